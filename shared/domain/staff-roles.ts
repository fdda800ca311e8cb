/** Roles a staff account can have (issue 9): agency staff, department liaison, leader, administrator. */
export const STAFF_ROLES = ['agency', 'department', 'leader', 'admin'] as const;
export type StaffRoleName = (typeof STAFF_ROLES)[number];
