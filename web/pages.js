// The console's page registry: the shell builds its navigation from this list and loads a
// page's module (and its message catalog, `area`) only when its hash is opened.
export const pages = [
  { id: 'chart', area: 'chart', navKey: 'nav.chart', load: () => import('./pages/chart.js') },
  { id: 'people', area: 'people', navKey: 'nav.people', load: () => import('./pages/people.js') },
  { id: 'vacancies', area: 'people', navKey: 'nav.vacancies', load: () => import('./pages/vacancies.js') },
  { id: 'access', area: 'access', navKey: 'nav.access', load: () => import('./pages/access.js') },
  { id: 'audit', area: 'audit', navKey: 'nav.audit', load: () => import('./pages/audit.js') },
  { id: 'network', area: 'network', navKey: 'nav.network', load: () => import('./pages/network.js') },
  { id: 'cases', area: 'cases', navKey: 'nav.cases', load: () => import('./pages/cases.js') },
];
