/**
 * Positions in the staging table: an input's records are staged at its index in the step
 * times this, plus their position within the input (a file's line), so records of later
 * inputs always come after earlier ones and the line can be read back.
 */
export const SEQ_STRIDE = 10_000_000_000;
