export { durationSchema, formatDuration } from '../domain/duration-schema.js';
