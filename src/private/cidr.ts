import { PropErrors } from './prop-errors';

/** Records a problem for an empty list or any entry that is not an IPv4 or IPv6 CIDR range. */
export function checkCidrs(cidrs: string[] | undefined, prop: string, errors: PropErrors): void {
  errors.check(cidrs === undefined || cidrs.length > 0, prop, 'is empty, which would block every caller',
    `list at least one CIDR range, or leave ${prop} unset`);
  for (const cidr of cidrs ?? []) {
    errors.check(isCidr(cidr), prop, `'${cidr}' is not a CIDR range`, 'write ranges like 203.0.113.0/24 or 2001:db8::/32');
  }
}

/** Ranges with a prefix shorter than this (0.0.0.0/0, ::/0, 0.0.0.0/1, ...) are treated as the whole internet. */
const SHORTEST_RESTRICTING_PREFIX = 8;

/** True when `cidr` is so wide (prefix shorter than /8) that an allow-list holding it admits the internet. */
export function isInternetWide(cidr: string): boolean {
  const prefix = Number(cidr.split('/')[1]);
  return Number.isInteger(prefix) && prefix < SHORTEST_RESTRICTING_PREFIX;
}

/** True when `cidrs` is an allow-list that keeps the internet out: set, not empty, and no range wider than /8. */
export function restrictsCallers(cidrs: string[] | undefined): boolean {
  return cidrs !== undefined && cidrs.length > 0 && !cidrs.some(isInternetWide);
}

function isCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  if (rest.length > 0 || prefix === undefined || !/^\d{1,3}$/.test(prefix)) {
    return false;
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    return Number(prefix) <= 32 && address.split('.').every((octet) => Number(octet) <= 255);
  }
  return address.includes(':') && /^[0-9A-Fa-f:]+$/.test(address) && Number(prefix) <= 128;
}
