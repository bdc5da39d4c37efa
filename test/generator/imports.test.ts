import { describe, expect, it } from 'vitest';
import { jsString, NameScope } from '../../generator/identifiers.js';
import { importDeclaration, relativeSpecifier } from '../../generator/imports.js';

describe('imports and names in generated code', () => {
  it('computes relative specifiers with the import extension', () => {
    expect(relativeSpecifier('IFoo.ts', '.js')).toBe('./IFoo.js');
    expect(relativeSpecifier('../src/IFoo.ts', '.js')).toBe('../src/IFoo.js');
    expect(relativeSpecifier('.hidden/IFoo.ts', '.js')).toBe('./.hidden/IFoo.js');
    expect(relativeSpecifier('IFoo.mts', '.js')).toBe('./IFoo.mjs');
    expect(relativeSpecifier('IFoo.ts', '.ts')).toBe('./IFoo.ts');
    expect(relativeSpecifier('IFoo.ts', '')).toBe('./IFoo');
    expect(relativeSpecifier('sub\\IFoo.ts', '.js')).toBe('./sub/IFoo.js');
  });

  it('lists values, then types, each sorted', () => {
    expect(importDeclaration('process-sandbox', [{ name: 'Remote', type: true }, { name: 'siblingModule' }, { name: 'ProcessPool' }]))
      .toBe("import { ProcessPool, siblingModule, type Remote } from 'process-sandbox';");
    expect(importDeclaration('./a.js', [{ name: 'B', type: true }, { name: 'A', type: true }])).toBe("import type { A, B } from './a.js';");
    expect(importDeclaration('./a.codec.js', [{ name: 'AService', local: 'service' }])).toBe("import { AService as service } from './a.codec.js';");
  });

  it('never lets a generated name shadow a taken one', () => {
    const scope = new NameScope(['service', 'service_2']);
    expect(scope.claim('service')).toBe('service_3');
    expect(scope.claim('class')).toBe('class_2');
    expect(scope.claim('pool')).toBe('pool');
  });

  it('escapes string literals', () => {
    expect(jsString("it's\n\\")).toBe("'it\\'s\\n\\\\'");
    expect(jsString('\u2028')).toBe("'\\u2028'");
  });
});
