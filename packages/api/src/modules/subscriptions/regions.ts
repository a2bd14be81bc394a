/**
 * The regions a subscription may be placed in (SPEC §5: region, then a state/province from a list
 * that depends on the region). Reference data kept with the module: a region is a country (ISO
 * 3166-1 alpha-2), its states/provinces are ISO 3166-2 subdivisions (`US-NY`). Where the tax
 * jurisdiction is the state (US, Canada, Australia) the state is required; EU countries list their
 * first-level regions, optional, or have none.
 */

export interface StateProvince {
  code: string;
  name: string;
}

export interface Region {
  code: string;
  name: string;
  group: 'North America' | 'Oceania' | 'European Union' | 'Europe' | 'Asia';
  /** What the UI calls a subdivision here ("State", "Province or territory", …). */
  subdivisionLabel: string;
  /** A subscription in this region must name one of `states`. */
  stateRequired: boolean;
  states: StateProvince[];
}

const subdivisions = (country: string, list: string): StateProvince[] =>
  list
    .trim()
    .split('\n')
    .map((line) => {
      const [code, name] = line.trim().split('=') as [string, string];
      return { code: `${country}-${code}`, name };
    });

const region = (
  code: string,
  name: string,
  group: Region['group'],
  subdivisionLabel = 'Region',
  states: StateProvince[] = [],
  stateRequired = false,
): Region => ({ code, name, group, subdivisionLabel, stateRequired, states });

const US = subdivisions(
  'US',
  `AL=Alabama
  AK=Alaska
  AZ=Arizona
  AR=Arkansas
  CA=California
  CO=Colorado
  CT=Connecticut
  DE=Delaware
  DC=District of Columbia
  FL=Florida
  GA=Georgia
  HI=Hawaii
  ID=Idaho
  IL=Illinois
  IN=Indiana
  IA=Iowa
  KS=Kansas
  KY=Kentucky
  LA=Louisiana
  ME=Maine
  MD=Maryland
  MA=Massachusetts
  MI=Michigan
  MN=Minnesota
  MS=Mississippi
  MO=Missouri
  MT=Montana
  NE=Nebraska
  NV=Nevada
  NH=New Hampshire
  NJ=New Jersey
  NM=New Mexico
  NY=New York
  NC=North Carolina
  ND=North Dakota
  OH=Ohio
  OK=Oklahoma
  OR=Oregon
  PA=Pennsylvania
  RI=Rhode Island
  SC=South Carolina
  SD=South Dakota
  TN=Tennessee
  TX=Texas
  UT=Utah
  VT=Vermont
  VA=Virginia
  WA=Washington
  WV=West Virginia
  WI=Wisconsin
  WY=Wyoming`,
);

const CA = subdivisions(
  'CA',
  `AB=Alberta
  BC=British Columbia
  MB=Manitoba
  NB=New Brunswick
  NL=Newfoundland and Labrador
  NS=Nova Scotia
  NT=Northwest Territories
  NU=Nunavut
  ON=Ontario
  PE=Prince Edward Island
  QC=Quebec
  SK=Saskatchewan
  YT=Yukon`,
);

const AU = subdivisions(
  'AU',
  `ACT=Australian Capital Territory
  NSW=New South Wales
  NT=Northern Territory
  QLD=Queensland
  SA=South Australia
  TAS=Tasmania
  VIC=Victoria
  WA=Western Australia`,
);

const AT = subdivisions(
  'AT',
  `1=Burgenland
  2=Kärnten
  3=Niederösterreich
  4=Oberösterreich
  5=Salzburg
  6=Steiermark
  7=Tirol
  8=Vorarlberg
  9=Wien`,
);

const BE = subdivisions(
  'BE',
  `BRU=Brussels-Capital Region
  VLG=Flemish Region
  WAL=Walloon Region`,
);

const DE = subdivisions(
  'DE',
  `BW=Baden-Württemberg
  BY=Bayern
  BE=Berlin
  BB=Brandenburg
  HB=Bremen
  HH=Hamburg
  HE=Hessen
  MV=Mecklenburg-Vorpommern
  NI=Niedersachsen
  NW=Nordrhein-Westfalen
  RP=Rheinland-Pfalz
  SL=Saarland
  SN=Sachsen
  ST=Sachsen-Anhalt
  SH=Schleswig-Holstein
  TH=Thüringen`,
);

const ES = subdivisions(
  'ES',
  `AN=Andalucía
  AR=Aragón
  AS=Asturias
  IB=Illes Balears
  CN=Canarias
  CB=Cantabria
  CL=Castilla y León
  CM=Castilla-La Mancha
  CT=Catalunya
  EX=Extremadura
  GA=Galicia
  RI=La Rioja
  MD=Madrid
  MC=Murcia
  NC=Navarra
  PV=País Vasco
  VC=Valenciana
  CE=Ceuta
  ML=Melilla`,
);

const FR = subdivisions(
  'FR',
  `ARA=Auvergne-Rhône-Alpes
  BFC=Bourgogne-Franche-Comté
  BRE=Bretagne
  CVL=Centre-Val de Loire
  20R=Corse
  GES=Grand Est
  HDF=Hauts-de-France
  IDF=Île-de-France
  NOR=Normandie
  NAQ=Nouvelle-Aquitaine
  OCC=Occitanie
  PDL=Pays de la Loire
  PAC=Provence-Alpes-Côte d'Azur`,
);

const IT = subdivisions(
  'IT',
  `65=Abruzzo
  77=Basilicata
  78=Calabria
  72=Campania
  45=Emilia-Romagna
  36=Friuli Venezia Giulia
  62=Lazio
  42=Liguria
  25=Lombardia
  57=Marche
  67=Molise
  21=Piemonte
  75=Puglia
  88=Sardegna
  82=Sicilia
  52=Toscana
  32=Trentino-Alto Adige
  55=Umbria
  23=Valle d'Aosta
  34=Veneto`,
);

const NL = subdivisions(
  'NL',
  `DR=Drenthe
  FL=Flevoland
  FR=Fryslân
  GE=Gelderland
  GR=Groningen
  LI=Limburg
  NB=Noord-Brabant
  NH=Noord-Holland
  OV=Overijssel
  UT=Utrecht
  ZE=Zeeland
  ZH=Zuid-Holland`,
);

const PL = subdivisions(
  'PL',
  `02=Dolnośląskie
  04=Kujawsko-Pomorskie
  06=Lubelskie
  08=Lubuskie
  10=Łódzkie
  12=Małopolskie
  14=Mazowieckie
  16=Opolskie
  18=Podkarpackie
  20=Podlaskie
  22=Pomorskie
  24=Śląskie
  26=Świętokrzyskie
  28=Warmińsko-Mazurskie
  30=Wielkopolskie
  32=Zachodniopomorskie`,
);

const EU = 'European Union' as const;

/** Every region, ordered by group then name (the order the UI lists them in). */
export const REGIONS: readonly Region[] = [
  region('CA', 'Canada', 'North America', 'Province or territory', CA, true),
  region('US', 'United States', 'North America', 'State', US, true),
  region('AU', 'Australia', 'Oceania', 'State or territory', AU, true),
  region('AT', 'Austria', EU, 'State', AT),
  region('BE', 'Belgium', EU, 'Region', BE),
  region('BG', 'Bulgaria', EU),
  region('HR', 'Croatia', EU),
  region('CY', 'Cyprus', EU),
  region('CZ', 'Czechia', EU),
  region('DK', 'Denmark', EU),
  region('EE', 'Estonia', EU),
  region('FI', 'Finland', EU),
  region('FR', 'France', EU, 'Region', FR),
  region('DE', 'Germany', EU, 'State (Land)', DE),
  region('GR', 'Greece', EU),
  region('HU', 'Hungary', EU),
  region('IE', 'Ireland', EU),
  region('IT', 'Italy', EU, 'Region', IT),
  region('LV', 'Latvia', EU),
  region('LT', 'Lithuania', EU),
  region('LU', 'Luxembourg', EU),
  region('MT', 'Malta', EU),
  region('NL', 'Netherlands', EU, 'Province', NL),
  region('PL', 'Poland', EU, 'Voivodeship', PL),
  region('PT', 'Portugal', EU),
  region('RO', 'Romania', EU),
  region('SK', 'Slovakia', EU),
  region('SI', 'Slovenia', EU),
  region('ES', 'Spain', EU, 'Autonomous community', ES),
  region('SE', 'Sweden', EU),
  region('NO', 'Norway', 'Europe'),
  region('CH', 'Switzerland', 'Europe'),
  region('GB', 'United Kingdom', 'Europe'),
  region('JP', 'Japan', 'Asia'),
];

const byCode = new Map(REGIONS.map((r) => [r.code, r]));

export function findRegion(code: string): Region | undefined {
  return byCode.get(code);
}

/**
 * Whether a region/state pair may be saved: `null` when it may, else the field to name and why.
 * A region without a state is fine unless the region requires one; a state needs its region.
 */
export function checkRegionState(
  regionCode: string | null,
  stateCode: string | null,
): { field: 'region' | 'stateProvince'; message: string } | null {
  if (regionCode === null) {
    return stateCode === null ? null : { field: 'stateProvince', message: 'Choose a region first' };
  }
  const r = byCode.get(regionCode);
  if (!r) return { field: 'region', message: `Unknown region "${regionCode}"` };
  if (stateCode === null) {
    return r.stateRequired
      ? { field: 'stateProvince', message: `Choose a ${r.subdivisionLabel.toLowerCase()} of ${r.name}` }
      : null;
  }
  if (r.states.length === 0) {
    return { field: 'stateProvince', message: `${r.name} has no states or provinces to choose from` };
  }
  if (!r.states.some((s) => s.code === stateCode)) {
    return {
      field: 'stateProvince',
      message: `"${stateCode}" is not a ${r.subdivisionLabel.toLowerCase()} of ${r.name}`,
    };
  }
  return null;
}
