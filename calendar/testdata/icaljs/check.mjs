// Parses iCalendar files with Mozilla's ical.js, a parser independent of the
// Go code that wrote them, and prints what it read as JSON for
// calendar/icaljs_test.go to compare with what the Go side meant.
//
//   node check.mjs FILE...
//
// Output: [{file, method, prodid, version, calscale, calname, events: [...]}]
// with, per VEVENT, start/end/stamp as UTC ISO instants and the zone ical.js
// saw ("UTC" for a ...Z time; anything else means a floating or TZID time).
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

function instant(event, name) {
  const time = event.getFirstPropertyValue(name);
  if (!time) return null;
  return { at: time.toJSDate().toISOString(), zone: time.zone ? time.zone.tzid : 'floating' };
}

function person(prop) {
  const address = String(prop.getFirstValue());
  return {
    name: prop.getParameter('cn') ?? '',
    email: address.replace(/^mailto:/i, ''),
    role: prop.getParameter('role') ?? '',
    partstat: prop.getParameter('partstat') ?? '',
    rsvp: prop.getParameter('rsvp') ?? '',
  };
}

function readEvent(event) {
  const organizer = event.getFirstProperty('organizer');
  return {
    uid: event.getFirstPropertyValue('uid'),
    sequence: event.getFirstPropertyValue('sequence'),
    start: instant(event, 'dtstart'),
    end: instant(event, 'dtend'),
    stamp: instant(event, 'dtstamp'),
    summary: event.getFirstPropertyValue('summary') ?? '',
    description: event.getFirstPropertyValue('description') ?? '',
    location: event.getFirstPropertyValue('location') ?? '',
    url: event.getFirstPropertyValue('url') ?? '',
    status: event.getFirstPropertyValue('status') ?? '',
    organizer: organizer ? person(organizer) : null,
    attendees: event.getAllProperties('attendee').map(person),
  };
}

function readFile(file) {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(file, 'utf8')));
  return {
    file,
    method: calendar.getFirstPropertyValue('method') ?? '',
    prodid: calendar.getFirstPropertyValue('prodid') ?? '',
    version: calendar.getFirstPropertyValue('version') ?? '',
    calscale: calendar.getFirstPropertyValue('calscale') ?? '',
    calname: calendar.getFirstPropertyValue('x-wr-calname') ?? '',
    events: calendar.getAllSubcomponents('vevent').map(readEvent),
  };
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node check.mjs FILE...');
  process.exit(2);
}
process.stdout.write(JSON.stringify(files.map(readFile), null, 2) + '\n');
