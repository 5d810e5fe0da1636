import { serviceImage, type ComposeProject } from '@flotilla/compose';
import { LocalEngine } from './engine.adapter';

/** What the lookup needs of the engine DOCKER_HOST names (LocalEngine). */
export interface ImageIdEngine {
  imageId(ref: string): Promise<string | null>;
}

/**
 * The local ID of each image the project builds (`build:`), by service, for composeStack's
 * `imageIds`: a rebuilt image is then a changed spec, and `up` recreates its containers as 1.29
 * does. Images not built yet are left out. A project that builds nothing asks the engine nothing
 * (LocalEngine loads its client only when asked).
 */
export async function builtImageIds(project: ComposeProject, engine: ImageIdEngine = new LocalEngine()): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const s of Object.values(project.services)) {
    if (!s.build) continue;
    const id = await engine.imageId(serviceImage(project.name, s));
    if (id) ids[s.name] = id;
  }
  return ids;
}
