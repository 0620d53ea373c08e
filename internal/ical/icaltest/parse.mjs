// Parses an iCalendar file with ical.js and prints the calendar's name, zone
// and events as JSON, for icaltest.Parse.
// Usage: node parse.mjs <dir holding node_modules/ical.js> <file.ics>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, file] = process.argv.slice(2);

// ical.js 2.x is an ES module package: import the file its "exports" names
// for "import", by absolute URL, since this script lives outside dir.
const pkgDir = join(dir, 'node_modules', 'ical.js');
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const entry = typeof pkg.exports === 'string' ? pkg.exports : pkg.exports.import;
const { default: ICAL } = await import(pathToFileURL(join(pkgDir, entry)).href);

// ical.js leaves unknown X- properties unescaped; these two are TEXT by
// convention, as Apple and Google calendars read them.
for (const name of ['x-wr-calname', 'x-wr-timezone']) {
  ICAL.design.icalendar.property[name] = { defaultType: 'text' };
}

const cal = new ICAL.Component(ICAL.parse(readFileSync(file, 'utf8')));
if (cal.name !== 'vcalendar') {
  throw new Error(`top component is ${cal.name}, not vcalendar`);
}

const str = (c, name) => {
  const v = c.getFirstPropertyValue(name);
  return v == null ? '' : String(v);
};
const instant = (t) => (t == null ? '' : t.toJSDate().toISOString());

const events = cal.getAllSubcomponents('vevent').map((v) => {
  const ev = new ICAL.Event(v);
  return {
    uid: ev.uid,
    sequence: ev.sequence ?? 0,
    summary: ev.summary ?? '',
    description: ev.description ?? '',
    location: ev.location ?? '',
    url: str(v, 'url'),
    start: instant(ev.startDate),
    startZone: ev.startDate ? ev.startDate.zone.tzid : '',
    end: instant(ev.endDate),
    status: str(v, 'status'),
    dtstamp: instant(v.getFirstPropertyValue('dtstamp')),
  };
});

process.stdout.write(JSON.stringify({
  version: str(cal, 'version'),
  prodid: str(cal, 'prodid'),
  calscale: str(cal, 'calscale'),
  method: str(cal, 'method'),
  name: str(cal, 'x-wr-calname'),
  timezone: str(cal, 'x-wr-timezone'),
  events,
}));
