import type { RegistrySortField, SortType } from '@wharf/contracts/catalog';

interface Sortable {
  name: string;
  createdAt: string;
}

const compare = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Registries in the order a list asks for. Names are unique, so ties on `createdAt` or `size` are broken by
 * name, in the same direction, which keeps pages stable.
 */
export const sortRegistries = <T extends Sortable>(items: readonly T[], field: RegistrySortField, type: SortType, sizeOf: (item: T) => number): T[] => {
  const key = (item: T): string | number => (field === 'size' ? sizeOf(item) : item[field]);
  const sign = type === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => sign * (compare(key(a), key(b)) || compare(a.name, b.name)));
};

export const pageOf = <T>(items: readonly T[], offset: number, limit: number): T[] => items.slice(offset, offset + limit);
