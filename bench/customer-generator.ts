/**
 * Deterministic synthetic customers for the benchmark. Customer `i` is always the
 * same for a given seed, so the template file and the raw COPY load are built from
 * the same data without holding it in memory.
 */

/** One address as the standard template describes it (one file row each). */
export interface BenchAddress {
  type: 'billing' | 'shipping';
  code: string;
  /** Empty when the file leaves the name out (it then defaults to the profile name). */
  name: string;
  line1: string;
  line2: string;
  city: string;
  state: string;
  zip: string;
  country: string;
  /** Shipping only. */
  email: string;
  /** Shipping only. */
  phone: string;
  /** Shipping only: `Y`, `N` or empty. */
  createDoors: '' | 'Y' | 'N';
}

/** A code and its display name from the reference data. */
export interface CodeAndName {
  code: string;
  name: string;
}

/** One generated customer: the values its template rows carry. */
export interface BenchCustomer {
  code: string;
  profileName: string;
  alias: string;
  alternateName: string;
  website: string;
  companyNumber?: CodeAndName;
  customerGroup: CodeAndName;
  /** Whole number as text, or empty. */
  discount: string;
  /** `Y`/`N` when a discount is given, else empty. */
  discountLineItemLevel: '' | 'Y' | 'N';
  salesRep: string;
  warehouse: CodeAndName;
  buyers: { name: string; email: string }[];
  paymentTerms: CodeAndName;
  shippingTerms: string;
  priceTypes: { currency: string; name: string }[];
  /** Billing first, then one or two shipping addresses. */
  addresses: BenchAddress[];
}

/** Reference data in the shape of `reference-data.json`; every generated code is in it. */
export const BENCH_REFERENCE_DATA = {
  priceTypes: [
    { currency: 'USD', name: 'US Dollar' },
    { currency: 'EUR', name: 'Euro Wholesale' },
    { currency: 'JPY', name: 'Japanese Yen' },
    { currency: 'CAD', name: 'Canadian Dollar' },
    { currency: 'GBP', name: 'British Pound' },
    { currency: 'SEK', name: 'Swedish Krona' },
  ],
  paymentTerms: [
    { code: 'NET30', name: 'Net 30' },
    { code: 'NET45', name: 'Net 45' },
    { code: 'NET60', name: 'Net 60' },
    { code: 'PRE', name: 'Prepaid' },
  ],
  shippingTerms: [{ code: 'FOB' }, { code: 'DAP' }, { code: 'EXW' }, { code: 'DDP' }],
  salesReps: [
    { code: 'SR01', name: 'Ana Ruiz', email: 'ana.ruiz@brand.example' },
    { code: 'SR02', name: 'Maria Lopez', email: 'maria.lopez@brand.example' },
    { code: 'SR03', name: 'Jon Park', email: 'jon.park@brand.example' },
    { code: 'SR07', name: 'Tom Becker', email: 'tom.becker@brand.example' },
    { code: 'SR09', name: 'Aiko Sato', email: 'aiko.sato@brand.example' },
    { code: 'SR11', name: 'Lena Vogel', email: 'lena.vogel@brand.example' },
  ],
  warehouses: [
    { code: 'WH-E', name: 'East Coast DC' },
    { code: 'WH-W', name: 'West Coast DC' },
    { code: 'WH-EU', name: 'Europe DC' },
    { code: 'WH-AS', name: 'Asia DC' },
  ],
  customerGroups: [
    { code: 'DS', name: 'Department Stores' },
    { code: 'SP', name: 'Specialty' },
    { code: 'IN', name: 'Independent' },
    { code: 'ON', name: 'Online' },
  ],
  companyNumbers: [
    { code: 'AH01', name: 'Acme Holdings' },
    { code: 'NG02', name: 'Nordic Group' },
    { code: 'PH03', name: 'Pacific Holdings' },
    { code: 'UR04', name: 'Union Retail' },
  ],
};

interface Place {
  country: string;
  /** Empty when the country needs no state. */
  states: string[];
  cities: string[];
  streets: string[];
  zip: (r: Random) => string;
  phonePrefix: string;
}

const PLACES: Place[] = [
  {
    country: 'US',
    states: ['NY', 'CA', 'MA', 'IL', 'TX', 'WA'],
    cities: ['New York', 'San Francisco', 'Boston', 'Chicago', 'Austin', 'Seattle'],
    streets: ['Madison Ave', 'Spring St', 'Boylston St', 'Main St', 'Market St', 'Pine St'],
    zip: (r) => String(10000 + r.int(89999)),
    phonePrefix: '+1 212 555',
  },
  {
    country: 'CA',
    states: ['ON', 'QC', 'BC'],
    cities: ['Toronto', 'Montréal', 'Vancouver'],
    streets: ['Queen St W', 'Rue Sainte-Catherine', 'Granville St'],
    zip: (r) => `M${r.int(9)}V ${r.int(9)}A${r.int(9)}`,
    phonePrefix: '+1 416 555',
  },
  {
    country: 'JP',
    states: ['Tokyo', 'Osaka'],
    cities: ['Shibuya-ku', 'Chūō-ku', 'Kita-ku'],
    streets: ['Jingumae', 'Ginza', 'Umeda'],
    zip: (r) => `${100 + r.int(899)}-${String(r.int(9999)).padStart(4, '0')}`,
    phonePrefix: '+81 3 5555',
  },
  {
    country: 'SE',
    states: [],
    cities: ['Stockholm', 'Göteborg', 'Malmö'],
    streets: ['Drottninggatan', 'Kungsgatan', 'Södergatan'],
    zip: (r) => `${100 + r.int(899)} ${10 + r.int(89)}`,
    phonePrefix: '+46 8 555',
  },
  {
    country: 'DE',
    states: [],
    cities: ['Berlin', 'München', 'Hamburg'],
    streets: ['Friedrichstraße', 'Maximilianstraße', 'Mönckebergstraße'],
    zip: (r) => String(10000 + r.int(89999)),
    phonePrefix: '+49 30 555',
  },
  {
    country: 'GB',
    states: ['', 'Greater London'],
    cities: ['London', 'Manchester', 'Leeds'],
    streets: ['Oxford St', 'King St', 'Briggate'],
    zip: (r) => `SW${1 + r.int(19)} ${r.int(9)}AA`,
    phonePrefix: '+44 20 5555',
  },
];

const FIRST = ['Acme', 'Nordic', 'Pacific', 'Urban', 'Alpine', 'Coastal', 'Golden', 'Metro', 'Summit', 'Harbor', 'Maple', 'Cedar'];
const SECOND = ['Boutique', 'Style', 'Outfitters', 'Supply', 'Trading', 'Select', 'Goods', 'Apparel', 'Works', 'Market'];
const SUFFIX = ['Inc.', 'AB', 'GmbH', 'K.K.', 'Ltd', 'LLC', 'Co.', 'S.A.'];
const PEOPLE = ['Jane Roe', 'Sam Poe', 'Lars Berg', 'Yuki Tanaka', 'Anna Svensson', 'Omar Haddad', 'Chloé Martin', 'Kenji Mori'];
const ALTERNATE = ['東京セレクト', 'Nordiska Stil', 'Le Magasin', 'Die Werkstatt', 'La Tienda'];

/** A small, fast seeded PRNG (mulberry32). */
class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** 0 ≤ n < max. */
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

/** The customer code of customer `index` (1-based); codes sort in index order. */
export function customerCode(index: number): string {
  return `BC${String(index).padStart(8, '0')}`;
}

function address(r: Random, type: 'billing' | 'shipping', code: string, place: Place, customerSlug: string, n: number): BenchAddress {
  const shipping = type === 'shipping';
  return {
    type,
    code,
    name: r.chance(0.8) ? `${type === 'billing' ? 'Accounts Payable' : 'Store'} ${n}` : '',
    line1: `${1 + r.int(999)} ${r.pick(place.streets)}`,
    line2: r.chance(0.3) ? `Floor ${1 + r.int(20)}` : '',
    city: r.pick(place.cities),
    state: place.states.length > 0 ? r.pick(place.states) : '',
    zip: place.zip(r),
    country: place.country,
    email: shipping && r.chance(0.7) ? `store${n}@${customerSlug}.example` : '',
    phone: shipping && r.chance(0.6) ? `${place.phonePrefix} ${String(r.int(10000)).padStart(4, '0')}` : '',
    createDoors: shipping ? (r.chance(0.7) ? 'Y' : r.chance(0.5) ? 'N' : '') : '',
  };
}

/**
 * Customer `index` (1-based) of the data set `seed`: 1 billing and 1–2 shipping
 * addresses, 2 buyers with emails, 1–2 price types, payment and shipping terms, a
 * sales rep, a warehouse and a customer group, all valid against
 * {@link BENCH_REFERENCE_DATA}. A few names carry quotes and the delimiter, and
 * some values are non-ASCII, as real exports do.
 */
export function generateCustomer(index: number, seed = 1): BenchCustomer {
  const r = new Random(mix(index, seed));
  const code = customerCode(index);
  const first = r.pick(FIRST);
  const second = r.pick(SECOND);
  const special = r.int(100);
  const base = special === 0 ? `${first} & ${second} "${r.pick(SECOND)}"` : special === 1 ? `${first} | ${second}` : `${first} ${second}`;
  const profileName = `${base} ${r.pick(SUFFIX)} ${index}`;
  const slug = `${first}-${second}-${index}`.toLowerCase();
  const ref = BENCH_REFERENCE_DATA;
  const place = r.pick(PLACES);
  const discounted = r.chance(0.5);
  const shippingCount = 1 + r.int(2);
  const priceTypes = [r.pick(ref.priceTypes)];
  if (r.chance(0.5)) {
    const other = r.pick(ref.priceTypes);
    if (other !== priceTypes[0]) priceTypes.push(other);
  }
  const buyers = [0, 1].map((b) => {
    const name = PEOPLE[(index + b * 3) % PEOPLE.length]!;
    return { name, email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@${slug}.example` };
  });
  const addresses: BenchAddress[] = [address(r, 'billing', `B-${index}`, place, slug, 1)];
  for (let s = 1; s <= shippingCount; s++) {
    addresses.push(address(r, 'shipping', `S-${index}-${String(s).padStart(2, '0')}`, r.chance(0.8) ? place : r.pick(PLACES), slug, s));
  }
  return {
    code,
    profileName,
    alias: r.chance(0.7) ? `${first} ${second}` : '',
    alternateName: r.chance(0.3) ? r.pick(ALTERNATE) : '',
    website: r.chance(0.8) ? `https://${slug}.example` : '',
    ...(r.chance(0.3) ? { companyNumber: r.pick(ref.companyNumbers) } : {}),
    customerGroup: r.pick(ref.customerGroups),
    discount: discounted ? String(1 + r.int(40)) : '',
    discountLineItemLevel: discounted ? (r.chance(0.5) ? 'Y' : 'N') : '',
    salesRep: r.pick(ref.salesReps).code,
    warehouse: r.pick(ref.warehouses),
    buyers,
    paymentTerms: r.pick(ref.paymentTerms),
    shippingTerms: r.pick(ref.shippingTerms).code,
    priceTypes,
    addresses,
  };
}

/**
 * A random-looking but reproducible version-4 UUID for customer `index`, spread
 * over the key space like `gen_random_uuid()`.
 */
export function customerUuid(index: number, seed = 1): string {
  const words = [mix(index, seed ^ 0x1111), mix(index, seed ^ 0x2222), mix(index, seed ^ 0x3333), mix(index, seed ^ 0x4444)];
  const hex = words.map((w) => w.toString(16).padStart(8, '0')).join('');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
