/** The id of a row numbered by the database (a duplicate candidate, a merge) as text: a positive whole number that fits a bigint. */
export const ROW_ID = /^[1-9][0-9]{0,17}$/;
