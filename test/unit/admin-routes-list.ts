/** The console's administration routes (functions/api/routes/admin.ts), which both platforms must expose. */
export const ADMIN_ROUTES = [
  'GET /api/admin/users',
  'POST /api/admin/users',
  'POST /api/admin/users/:username',
  'POST /api/admin/users/:username/password',
  'GET /api/admin/dead-letters',
  'POST /api/admin/dead-letters/:id/replay',
  'GET /api/admin/workflows',
  'POST /api/admin/workflows/:caseId/retry',
] as const;
