import { z } from 'zod';

// Go's decoder takes `null` for any field as "not set"; the stock docker CLI sends many.
export const int = z.number().int().safe();
export const uint = int.min(0);
export const str = z.string();
export const bool = z.boolean();
export const strList = z.array(str).nullish();
export const strMap = z.record(str).nullish();
/** An object that keeps (and ignores) fields flotilla does not model, as Docker's decoder does. */
export const obj = <T extends z.ZodRawShape>(shape: T) => z.object(shape).passthrough();
