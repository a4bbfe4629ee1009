import { describe, expect, it } from 'vitest';
import { BUILTIN_PLUGINS } from '../../src/plugins/builtin.js';
import { BUILTIN_LOADERS, loadBuiltins } from '../../src/plugins/builtin-loaders.js';

// The CLI loads every built-in at once (BUILTIN_PLUGINS); an embedding host only those it names (BUILTIN_LOADERS).
// Two lists, so a plugin added to one and not the other (as otlp once was) is caught here.
describe('the two lists of built-in plugins', () => {
  it('name the same plugins, and each loader gives the same manifest', async () => {
    expect([...BUILTIN_LOADERS.keys()].sort()).toEqual([...BUILTIN_PLUGINS.keys()].sort());
    const loaded = await loadBuiltins();
    for (const [name, manifest] of BUILTIN_PLUGINS) expect(loaded.get(name), name).toBe(manifest);
  });
});
