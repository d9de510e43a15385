/** Characters that make a spreadsheet read a cell as a formula (OWASP's CSV injection list). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell for a CSV file people open in a spreadsheet: one that would start a formula
 * (`=HYPERLINK(…)` in a rejected row's raw line, say) is prefixed with `'`, which spreadsheets
 * show as text; anything else is left as it is.
 */
export function spreadsheetSafe(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}
