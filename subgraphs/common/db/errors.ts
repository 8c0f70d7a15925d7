import { UniqueConstraintViolationException } from '@mikro-orm/core';

/** A unique constraint failed, whether the statement came from the ORM or from raw SQL. */
export function uniqueViolation(error: unknown): string | null {
  if (error instanceof UniqueConstraintViolationException) {
    return (error as unknown as { constraint?: string }).constraint ?? 'unique';
  }
  const e = error as { code?: string; constraint?: string } | null;
  return e?.code === '23505' ? (e.constraint ?? 'unique') : null;
}
