// Whether the calendar opens on the day view (a phone) rather than the week.
export function isNarrow() {
    return window.matchMedia('(max-width: 600px)').matches;
}
