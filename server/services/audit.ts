/** Subjects for the audit log, spelled the same way everywhere. */

export const auditSubject = {
  network: () => 'network',
  district: (id: number) => `district:${id}`,
  site: (id: number) => `site:${id}`,
  group: (id: number) => `group:${id}`,
  person: (id: number) => `person:${id}`,
  rosterImport: (id: number) => `roster-import:${id}`,
};
