/** Notice templates of the life cycle (the 受理回执 lives in ./acknowledgement.ts, owned by the channels side). */
export * from './templates';
export { assignmentSlipPage, slipFields } from './slip';
export { cnDate, cnDateTime, cnDue, complainantAddress, agencyAddresses, departmentAddress, leaderAddress, handlingDepartments } from './format';
