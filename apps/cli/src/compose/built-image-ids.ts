import { serviceImage, type ComposeProject } from '@flotilla/compose';
import { LocalEngine } from './engine.adapter';

/** What the lookup needs of the engine DOCKER_HOST names (LocalEngine). */
export interface ImageIdEngine {
  imageId(ref: string): Promise<string | null>;
}

/**
 * The local ID of each image the project builds (`build:`), by service, for composeStack's
 * `imageIds`: a rebuilt image is then a changed spec, and `up` recreates its containers as 1.29
 * does. Every service running such an image counts, not only the one that builds it (`worker`
 * running the `image: app` that `web` builds). Images not built yet are left out. A project that
 * builds nothing asks the engine nothing (LocalEngine loads its client only when asked).
 */
export async function builtImageIds(project: ComposeProject, engine: ImageIdEngine = new LocalEngine()): Promise<Record<string, string>> {
  const built = new Map<string, string | null>();
  for (const s of Object.values(project.services)) {
    const image = serviceImage(project.name, s);
    if (s.build && !built.has(image)) built.set(image, await engine.imageId(image));
  }
  const ids: Record<string, string> = {};
  for (const s of Object.values(project.services)) {
    const id = built.get(serviceImage(project.name, s));
    if (id) ids[s.name] = id;
  }
  return ids;
}
