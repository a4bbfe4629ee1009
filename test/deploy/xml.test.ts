import { describe, expect, it } from 'vitest';
import { parsePlist, parseXml } from './xml.js';

describe('parseXml', () => {
  it.each([
    ['<a><b></a>', /<\/a> closes <b>/],
    ['<a>', /<a> is never closed/],
    ['<a/><b/>', /a second root element/],
    ['<a>x &nbsp; y</a>', /unknown entity &nbsp;/],
    ['<a><</a>', /malformed markup/],
  ])('refuses %s', (source, error) => {
    expect(() => parseXml(source)).toThrow(error);
  });

  it('reads attributes, entities and nested text', () => {
    const root = parseXml('<?xml version="1.0"?><!-- <x> --><a k="1 &amp; 2"><b>x &lt; y</b><c/></a>');
    expect(root).toMatchObject({ name: 'a', attributes: { k: '1 & 2' }, children: [{ name: 'b', text: 'x < y' }, { name: 'c' }] });
  });

  it('reads a property list, refusing a dict without its values', () => {
    expect(parsePlist('<plist><dict><key>A</key><array><integer>3</integer><true/></array></dict></plist>')).toEqual({ A: [3, true] });
    expect(() => parsePlist('<plist><dict><key>A</key></dict></plist>')).toThrow(/needs <key> then a value/);
  });
});
