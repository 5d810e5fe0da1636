import { connect } from './local-cluster';
import { DockerApi } from './docker-api';

/** The manager's Docker-compatible API; never starts a cluster (only `compose up` and `swarm init` do). */
export async function dockerApi(): Promise<DockerApi> {
  const { client } = await connect({ autostart: false });
  return new DockerApi(client.baseUrl);
}
