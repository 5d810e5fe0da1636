import { describe, expect, it } from 'vitest';
import type { PortDef } from '@flotilla/compose';
import { scaleWarnings } from './scale-warnings';

const port = (p: Partial<PortDef>): PortDef => ({ target: 80, protocol: 'tcp', mode: 'ingress', ...p });
const WARNING = 'The "web" service specifies a port on the host. If multiple containers for this service are created on a single host, the port will clash.';

describe('scaleWarnings', () => {
  it("a host-mode port or a host range, more than one container: 1.29's words", () => {
    expect(scaleWarnings({ name: 'web', ports: [port({ published: 8080, mode: 'host' })] }, 2)).toEqual([WARNING]);
    expect(scaleWarnings({ name: 'web', ports: [port({ published: 18000, published_end: 18001 })] }, 3)).toEqual([WARNING]);
  });

  it('a custom container name, more than one container: 1.29\'s warning first', () => {
    const named = 'The "web" service is using the custom container name "w". Docker requires each container to have a unique name. Remove the custom name to scale the service.';
    expect(scaleWarnings({ name: 'web', container_name: 'w', ports: [port({ published: 8080, mode: 'host' })] }, 2)).toEqual([named, WARNING]);
    expect(scaleWarnings({ name: 'web', container_name: 'w', ports: [] }, 1)).toEqual([]);
  });

  it('one container, no host port, or a port of the routing mesh: nothing', () => {
    expect(scaleWarnings({ name: 'web', ports: [port({ published: 8080, mode: 'host' })] }, 1)).toEqual([]);
    expect(scaleWarnings({ name: 'web', ports: [port({ mode: 'host' }), port({})] }, 2)).toEqual([]);
    expect(scaleWarnings({ name: 'web', ports: [port({ published: 8080 })] }, 2)).toEqual([]);
    expect(scaleWarnings({ name: 'web', ports: [port({ published: 8080, published_end: 8080 })] }, 2)).toEqual([]);
  });
});
