// Reads an iCalendar file with Mozilla's ical.js (the parser behind Thunderbird's calendar) and prints, as JSON,
// every VEVENT as written and every occurrence ical.js expands from them, with times in UTC. The integration tests
// compare this with the database: a parser that neither Lyceum nor Ical.Net wrote must read the feed back right.
//
//   node check.mjs feed.ics [--from 2026-01-01T00:00:00Z] [--to 2028-01-01T00:00:00Z]
//
// Exits 2 on a file ical.js cannot parse, or on a TZID that has no VTIMEZONE in the file (ical.js would silently
// read such a time as floating, which is exactly the mistake this check is for).
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

const args = process.argv.slice(2);
const file = args.find((a, i) => !a.startsWith('--') && (i === 0 || !args[i - 1].startsWith('--')));
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
if (!file) {
  console.error('usage: node check.mjs feed.ics [--from ISO] [--to ISO]');
  process.exit(64);
}

const from = ICAL.Time.fromJSDate(new Date(option('--from', '1970-01-01T00:00:00Z')), true);
const to = ICAL.Time.fromJSDate(new Date(option('--to', '2100-01-01T00:00:00Z')), true);
const maxOccurrences = 10000;

function fail(message) {
  console.error(`check.mjs: ${message}`);
  process.exit(2);
}

let calendar;
try {
  calendar = new ICAL.Component(ICAL.parse(readFileSync(file, 'utf8')));
} catch (e) {
  fail(`not valid iCalendar: ${e.message}`);
}
if (calendar.name !== 'vcalendar') {
  fail(`the outer component is ${calendar.name}, not VCALENDAR`);
}

// The zones first: a TZID is resolved when its property is read.
const zones = [];
for (const vtimezone of calendar.getAllSubcomponents('vtimezone')) {
  const zone = new ICAL.Timezone(vtimezone);
  ICAL.TimezoneService.register(zone);
  zones.push(zone.tzid);
}

const utc = (time) => (time ? time.toJSDate().toISOString() : null);

function when(property) {
  if (!property) {
    return null;
  }
  const tzid = property.getParameter('tzid') ?? null;
  if (tzid && !ICAL.TimezoneService.has(tzid)) {
    fail(`${property.name.toUpperCase()} names TZID ${tzid}, which has no VTIMEZONE in the file`);
  }
  const time = property.getFirstValue();
  return {
    utc: utc(time),
    tzid: tzid ?? (time.zone === ICAL.Timezone.utcTimezone ? 'UTC' : time.isDate ? 'date' : 'floating'),
    local: time.toString(),
  };
}

const components = calendar.getAllSubcomponents('vevent');
const events = components.map((c) => ({
  uid: c.getFirstPropertyValue('uid'),
  summary: c.getFirstPropertyValue('summary'),
  location: c.getFirstPropertyValue('location'),
  description: c.getFirstPropertyValue('description'),
  status: c.getFirstPropertyValue('status'),
  dtstamp: utc(c.getFirstPropertyValue('dtstamp')),
  start: when(c.getFirstProperty('dtstart')),
  end: when(c.getFirstProperty('dtend')),
  duration: c.getFirstPropertyValue('duration')?.toString() ?? null,
  rrule: c.getFirstPropertyValue('rrule')?.toString() ?? null,
  exdates: c.getAllProperties('exdate').flatMap((p) => p.getValues().map((t) => ({ utc: utc(t), tzid: p.getParameter('tzid') ?? null }))),
  recurrenceId: when(c.getFirstProperty('recurrence-id')),
  sequence: c.getFirstPropertyValue('sequence'),
}));

// One ICAL.Event per UID: the master (no RECURRENCE-ID) with its exceptions related to it.
const byUid = new Map();
for (const c of components) {
  const uid = c.getFirstPropertyValue('uid');
  if (!uid) {
    fail('a VEVENT without a UID');
  }
  const entry = byUid.get(uid) ?? { master: null, exceptions: [] };
  if (c.hasProperty('recurrence-id')) {
    entry.exceptions.push(c);
  } else if (entry.master) {
    fail(`two VEVENTs with UID ${uid} and no RECURRENCE-ID`);
  } else {
    entry.master = c;
  }
  byUid.set(uid, entry);
}

const occurrences = [];
for (const [uid, { master, exceptions }] of byUid) {
  if (!master) {
    // Exceptions of a series the file does not hold: each stands for itself.
    for (const c of exceptions) {
      const e = new ICAL.Event(c);
      occurrences.push({ uid, start: utc(e.startDate), end: utc(e.endDate), recurrenceId: utc(e.recurrenceId), summary: e.summary, status: c.getFirstPropertyValue('status') });
    }
    continue;
  }
  const event = new ICAL.Event(master, { strictExceptions: true, exceptions });
  if (!event.isRecurring()) {
    occurrences.push({ uid, start: utc(event.startDate), end: utc(event.endDate), recurrenceId: null, summary: event.summary, status: master.getFirstPropertyValue('status') });
    continue;
  }
  const iterator = event.iterator();
  let count = 0;
  for (let next = iterator.next(); next && next.compare(to) < 0; next = iterator.next()) {
    if (++count > maxOccurrences) {
      fail(`${uid} has more than ${maxOccurrences} occurrences before ${to}`);
    }
    const details = event.getOccurrenceDetails(next);
    if (details.endDate.compare(from) <= 0) {
      continue;
    }
    occurrences.push({
      uid,
      start: utc(details.startDate),
      end: utc(details.endDate),
      recurrenceId: utc(details.recurrenceId),
      summary: details.item.summary,
      status: details.item.component.getFirstPropertyValue('status'),
    });
  }
}
occurrences.sort((a, b) => a.start.localeCompare(b.start) || a.uid.localeCompare(b.uid));

process.stdout.write(JSON.stringify({
  version: calendar.getFirstPropertyValue('version'),
  prodid: calendar.getFirstPropertyValue('prodid'),
  timezones: zones,
  events,
  occurrences,
}, null, 2) + '\n');
