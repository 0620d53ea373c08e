// Parses an X12 interchange with node-x12 in strict mode and prints its
// segments, envelope included, as JSON, for x12test.Parse.
// Usage: node parse.cjs <dir holding node_modules/node-x12> <file>
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const [dir, file] = process.argv.slice(2);
const { X12Parser, X12FatInterchange } = require(join(dir, 'node_modules', 'node-x12'));

const edi = readFileSync(file, 'latin1');
// Strict: any envelope error (IEA01/GE01/SE01 counts, IEA02/GE02/SE02
// control numbers, ISA length, segments outside a group or transaction)
// throws a ParserError.
const parser = new X12Parser(true);
const ic = parser.parse(edi);
if (parser.diagnostics.length > 0) {
  throw new Error('node-x12 diagnostics: ' + parser.diagnostics.map((d) => d.message).join('; '));
}
if (ic instanceof X12FatInterchange) {
  throw new Error(`${ic.interchanges.length} interchanges, want one`);
}
const out = [];
const push = (seg, what) => {
  if (seg === undefined || seg === null) {
    throw new Error(`missing ${what}`);
  }
  out.push({ id: seg.tag, elements: seg.elements.map((e) => e.value) });
};
push(ic.header, 'ISA');
for (const g of ic.functionalGroups) {
  push(g.header, 'GS');
  for (const t of g.transactions) {
    push(t.header, 'ST');
    for (const s of t.segments) push(s, 'segment');
    push(t.trailer, 'SE');
  }
  push(g.trailer, 'GE');
}
push(ic.trailer, 'IEA');
process.stdout.write(JSON.stringify({
  delimiters: {
    segment: ic.options.segmentTerminator,
    element: ic.options.elementDelimiter,
    component: ic.options.subElementDelimiter,
    repetition: ic.options.repetitionDelimiter,
  },
  segments: out,
}));
