/** 1.29's container name for a slot: the service's `container_name` when it has one, else `<project>_<service>_<n>`. */
export function containerName(project: string, service: string, slot: number | string, custom?: string): string {
  return custom || `${project}_${service}_${slot}`;
}
