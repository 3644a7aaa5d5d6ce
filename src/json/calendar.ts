/**
 * Dates of the proleptic Gregorian calendar, as RFC 3339 timestamps (and so
 * proto3 JSON's Timestamp) use them: read by the JSON verdict and by the
 * codec's check of Timestamp strings that protobuf-es would roll over.
 */

/** How many days `month` (1–12) of `year` has. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (negative before). */
export function daysSinceEpoch(year: number, month: number, day: number): number {
  // Counted from 1 March of year 0, so that the leap day is the last of a year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
