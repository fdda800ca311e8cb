/** What the SQLite case store's parts share: record validation and numbering, department links (one copy for both adapters). */
export { linkedDepartments, plain, prepareCaseWrite as prepare } from '../../../case-records';
