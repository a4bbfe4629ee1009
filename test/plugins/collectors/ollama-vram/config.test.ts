import { describe, expect, it } from 'vitest';
import { ollamaVramCollector } from '../../../../src/plugins/collectors/ollama-vram/index.js';

const validate = (value: unknown) => ollamaVramCollector.options!['~standard'].validate(value);

describe('ollama-vram manifest', () => {
  it('declares its fields and the handshake field', () => {
    expect(ollamaVramCollector).toMatchObject({ kind: 'collector', apiVersion: 1, name: 'ollama-vram' });
    expect(ollamaVramCollector.fields).toEqual(['vram_used_bytes', 'vram_total_bytes', 'ollama_models']);
    expect(ollamaVramCollector.identifyFields).toEqual(['ollama_url', 'ollama_version']);
  });

  it('defaults url to the local Ollama, and models to on', () => {
    expect(validate({})).toEqual({ value: { url: 'http://127.0.0.1:11434', models: true } });
    expect(validate({ models: false })).toEqual({ value: { url: 'http://127.0.0.1:11434', models: false } });
  });

  it.each(['http://gpu-box:11434', 'https://ollama.example.com/prefix/'])('accepts %s', (url) => {
    expect(validate({ url })).toEqual({ value: { url, models: true } });
  });

  it.each([
    ['127.0.0.1:11434', /http:\/\/ or https:\/\/ URL/],
    ['ftp://host/', /http:\/\/ or https:\/\/ URL/],
    ['not a url', /http:\/\/ or https:\/\/ URL/],
    ['http://user:secret@host:11434', /user name or password/],
    ['http://host:11434/?x=1', /query/],
  ])('rejects url %s with a clear message', (url, message) => {
    const result = validate({ url });
    expect(result).toMatchObject({ issues: [{ path: ['url'] }] });
    expect((result as { issues: { message: string }[] }).issues[0]!.message).toMatch(message);
  });

  it('rejects a url that is not a string, and unknown options', () => {
    expect(validate({ url: 11434 })).toMatchObject({ issues: [{ path: ['url'] }] });
    expect(validate({ models: 'yes' })).toMatchObject({ issues: [{ path: ['models'] }] });
    expect(validate({ host: 'localhost' })).toMatchObject({ issues: [{ code: 'unrecognized_keys' }] });
  });

  it('takes advertise_url, checked as url is, and leaves it unset by default', () => {
    expect(validate({ advertise_url: 'http://gpu-box.lan:11434' })).toEqual({
      value: { url: 'http://127.0.0.1:11434', advertise_url: 'http://gpu-box.lan:11434', models: true },
    });
    for (const [advertise_url, message] of [
      ['gpu-box:11434', /http:\/\/ or https:\/\/ URL/],
      ['http://user:secret@gpu-box:11434', /user name or password/],
      ['http://gpu-box:11434/#x', /fragment/],
      [`http://gpu-box/${'p'.repeat(600)}`, /512/],
      [11434, /string/],
    ] as const) {
      const result = validate({ advertise_url });
      expect(result).toMatchObject({ issues: [{ path: ['advertise_url'] }] });
      expect((result as { issues: { message: string }[] }).issues[0]!.message).toMatch(message);
    }
  });
});
