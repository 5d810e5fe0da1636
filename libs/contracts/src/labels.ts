/** Labels that Docker's own tools put on containers, and flotilla's own. */
export const LABEL = {
  composeProject: 'com.docker.compose.project',
  composeService: 'com.docker.compose.service',
  /** The ID of the image a compose project built that the service runs (see composeStack's imageIds). */
  composeImage: 'com.docker.compose.image',
  composeContainerNumber: 'com.docker.compose.container-number',
  composeOneoff: 'com.docker.compose.oneoff',
  composeNetwork: 'com.docker.compose.network',
  composeVolume: 'com.docker.compose.volume',
  stackNamespace: 'com.docker.stack.namespace',
  stackImage: 'com.docker.stack.image',
  swarmServiceName: 'com.docker.swarm.service.name',
  swarmServiceId: 'com.docker.swarm.service.id',
  swarmTaskId: 'com.docker.swarm.task.id',
  swarmTaskName: 'com.docker.swarm.task.name',
  swarmNodeId: 'com.docker.swarm.node.id',
  /** Marks what flotilla created, so cleanup never touches Docker Swarm's or anyone else's objects. */
  managed: 'io.flotilla.managed',
  /** The cluster a network or volume belongs to: cleanup of one cluster never touches another's on a shared engine. */
  cluster: 'io.flotilla.cluster',
  /**
   * A service's compose `depends_on`, as JSON {"<service name>": "service_started" | "service_healthy" |
   * "service_completed_successfully"}: the orchestrator starts none of its tasks before these hold.
   */
  dependsOn: 'io.flotilla.depends-on',
  /** The task's spec version, so a worker can tell a stale container from a current one. */
  taskSpecIndex: 'io.flotilla.task.spec-index',
} as const;
