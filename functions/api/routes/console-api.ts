/**
 * Staff console helpers that the staff API (routes/staff.ts) does not provide (issue 9, item 5):
 *
 * - GET /api/console/meta: labels and action form definitions, built from the domain (one source for labels);
 * - GET /api/console/search?q=: by tracking number (exact) or by the complainant's phone;
 * - GET /api/console/duplicates: open cases flagged as possible duplicates (art. 11), with their candidates;
 * - GET /api/console/cases/:caseId/duplicates: one case's "可能重复" pairs (both directions), reasons, one-click merge;
 * - GET /api/console/cases/:caseId/evidence/:sha256: an evidence file, as a download (never rendered inline).
 *
 * Same verifier, roles and access rules as routes/staff.ts: 401 without a valid token, 403 for a case the caller
 * has no business with, every case-content read audited. A department never finds a confidential complainant by
 * phone (art. 13: the respondent must not learn who complained).
 */
import type { StaffPrincipal } from '../../../shared/ports/staff-auth';
import { DEFAULT_CAUSE_CATEGORIES } from '../../../shared/domain/evaluation/causes';
import type { CauseCategory } from '../../../shared/domain/evaluation/causes';
import { causeCategoriesOf } from '../../../shared/domain/jurisdiction';
import { CONTACT_OUTCOME_LABELS } from '../../../shared/domain/notices/contacts';
import type { Context, Hono } from 'hono';
import type { Actor, CaseRecord } from '../../../shared/domain/case';
import { FINAL_PHASES, PHASE_LABELS } from '../../../shared/domain/case';
import { CHANNEL_LABELS } from '../../../shared/domain/intake';
import type { EvidenceRef } from '../../../shared/domain/intake';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../shared/domain/errors';
import { ROLE_LABELS, canAct, canRead, readDenial, viewFor } from '../../../shared/domain/access';
import { duplicateReasonsFor } from '../../../shared/domain/redaction';
import { activeDismissal } from '../../../shared/domain/duplicates/dismiss';
import { decidePair } from '../../../shared/services/duplicate-dismissal';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod';
import { SECRECY_LABELS, SECRECY_SCOPE_LABELS, withheldNotice } from '../../../shared/domain/secrecy';
import { evidenceFilenameFor } from '../../../shared/domain/redaction';
import { searchCases, visibleCases } from '../../../shared/services/case-search';
import { ACTION_LABELS, CLOCK_LABELS, CORRECTION_CHANNEL_LABELS, INQUIRY_METHOD_LABELS, NO_REPLY_REASON_LABELS, TERMINATION_CIRCUMSTANCE_LABELS } from '../../../shared/domain/lifecycle';
import type { ActionName } from '../../../shared/domain/lifecycle';
import { CLASSIFICATION_LABELS, FINDING_LABELS_INTERNAL, REPLY_METHOD_LABELS, SATISFACTION_LABELS } from '../../../shared/domain/notices/labels';
import { shanghaiDate } from '../../../shared/domain/calendar';
import { rulesStatus } from '../../../shared/domain/rules';
import type { RulesStatus } from '../../../shared/domain/rules';
import { safeFilename } from '../../../shared/intake/evidence';
import type { BlobStore } from '../../../shared/ports';
import { authenticate } from '../../../shared/auth/principal';
import type { StaffRole } from '../../../shared/auth/principal';
import { QUARANTINE_REASON_LABELS } from '../../../shared/email-intake/quarantine';
import { caseSummary } from './staff';
import type { StaffRouteDeps } from './staff';

const DecidePairBody = z.object({ note: z.string().trim().max(500).optional() }).strict();

export interface ConsoleApiDeps extends StaffRouteDeps {
  /** Evidence files; without it the evidence list is shown but not downloadable. */
  blobs?: BlobStore;
  /** Most cases read by one phone search or duplicates scan (default 2000). */
  scanLimit?: number;
}

/** One input of an action form. `showWhen`: shown (and sent) only when another field has one of the values. */
export interface FormField {
  name: string;
  label: string;
  type: 'text' | 'textarea' | 'select' | 'radio' | 'date' | 'checkbox' | 'department' | 'departments';
  required?: boolean;
  options?: { value: string; label: string }[];
  hint?: string;
  showWhen?: { field: string; values: string[] };
}

export interface ActionForm {
  action: ActionName;
  label: string;
  /** Why or when to use it, in one sentence. */
  help: string;
  fields: FormField[];
  /** A decision that cannot be undone by the same user: the button asks for confirmation. */
  confirm?: boolean;
}

/** Art. 15 inputs of a conclusion: other problems found, and (unfounded only) the request to clear the respondent's name. */
const ART15_FORM_FIELDS: FormField[] = [
  { name: 'otherProblems', label: '调查中发现的其他问题', type: 'textarea', hint: '投诉以外的其他问题，应一并整改并报备（第十五条）' },
  { name: 'nameClearing', label: '提请协助澄清事实、消除影响', type: 'textarea', hint: '仅投诉失实时填写：说明必要性和澄清范围（第十五条）', showWhen: { field: 'finding', values: ['unfounded'] } },
];

const opts = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));
const note = (label = '说明'): FormField => ({ name: 'note', label, type: 'textarea' });

/** The action forms; field names are the keys of ACTION_SCHEMAS (test/unit/console-forms.test.ts checks it). */
export function actionForms(
  rules: { notAcceptedReasons: Record<string, { article: string; label: string }>; terminationReasons: Record<string, { article: string; label: string }> },
  causes: readonly CauseCategory[] = DEFAULT_CAUSE_CATEGORIES,
): ActionForm[] {
  const article = (r: Record<string, { article: string; label: string }>) => Object.entries(r).map(([value, v]) => ({ value, label: `${v.article}：${v.label}` }));
  return [
    {
      action: 'dispatch',
      label: ACTION_LABELS.dispatch,
      help: '以交办单将投诉交办承办部门（第十条，2个工作日内）。已交办、承办部门尚未受理的，可在此改派其他部门（单位），改派记入办理过程并计数。',
      fields: [
        { name: 'department', label: '承办部门', type: 'department', required: true },
        { name: 'slipNo', label: '交办单编号', type: 'text', hint: '不填则按受理编号自动生成' },
        note('交办说明'),
      ],
    },
    { action: 'accept', label: ACTION_LABELS.accept, help: '决定受理并告知投诉人（第十条，2个工作日内）。', fields: [note('受理说明')] },
    {
      action: 'reject',
      label: ACTION_LABELS.reject,
      help: '符合第八条情形之一的，不予受理；应告知投诉人去向或转12345（第九条）。',
      confirm: true,
      fields: [
        { name: 'reason', label: '不予受理原因', type: 'select', required: true, options: article(rules.notAcceptedReasons) },
        { name: 'referral', label: '告知去向', type: 'textarea', hint: '应向哪个部门反映，或转接12345' },
        { name: 'transferTo12345', label: '转12345热线办理', type: 'checkbox' },
        { name: 'explanation', label: '解释说明', type: 'textarea' },
        { name: 'relatedCaseId', label: '关联投诉件编号', type: 'text', hint: '重复投诉时填写原投诉件受理编号' },
      ],
    },
    {
      action: 'classify',
      label: ACTION_LABELS.classify,
      help: '按第十四条分为一般投诉、登记转办或介入处理；一般投诉当场办结。',
      fields: [
        { name: 'kind', label: '投诉类型', type: 'radio', required: true, options: opts(CLASSIFICATION_LABELS) },
        // Art. 17: the cause category for the periodic analysis; left empty, the system proposes one from the text.
        { name: 'cause', label: '投诉原因分类', type: 'select', hint: '用于定期分析（第十七条）；不选则由系统按关键词建议', options: causes.map((c) => ({ value: c.code, label: c.label })) },
        { name: 'finding', label: '核查结论', type: 'radio', required: true, options: opts(FINDING_LABELS_INTERNAL), showWhen: { field: 'kind', values: ['general'] } },
        { name: 'summary', label: '办理结果', type: 'textarea', required: true, showWhen: { field: 'kind', values: ['general'] } },
        // One condition per field: on the on-the-spot form both show with 一般投诉; the schema refuses a clearing request unless unfounded.
        ...ART15_FORM_FIELDS.map((f) => ({ ...f, showWhen: { field: 'kind', values: ['general'] } })),
        note(),
      ],
    },
    {
      action: 'designate-lead',
      label: ACTION_LABELS['designate-lead'],
      help: '介入处理类：指定牵头单位和协办单位，设定办理期限（第十四条第（三）项）。',
      fields: [
        { name: 'lead', label: '牵头单位', type: 'department', required: true },
        { name: 'coHandlers', label: '协办单位', type: 'departments' },
        { name: 'dueDate', label: '办理期限', type: 'date', hint: '不填则按规则默认期限' },
        { name: 'taskForce', label: '组建工作专班', type: 'checkbox' },
        note('协调说明'),
      ],
    },
    {
      action: 'request-extension',
      label: ACTION_LABELS['request-extension'],
      help: '在办理期限届满前申请延期，并告知投诉人和管理机构（第十四条第（二）项）。',
      fields: [
        { name: 'newDueDate', label: '延期后的办理期限', type: 'date', required: true },
        { name: 'reason', label: '延期理由', type: 'textarea', required: true },
      ],
    },
    {
      action: 'conclude',
      label: ACTION_LABELS.conclude,
      help: '记录核查结论和办理结果；属实或部分属实的须在2个工作日内整改报备（第十五条）。',
      fields: [
        { name: 'finding', label: '核查结论', type: 'radio', required: true, options: opts(FINDING_LABELS_INTERNAL) },
        { name: 'summary', label: '办理结果', type: 'textarea', required: true },
        ...ART15_FORM_FIELDS,
      ],
    },
    {
      action: 'file-rectification',
      label: ACTION_LABELS['file-rectification'],
      help: '向管理机构报备整改情况；办结时记录了其他问题的，一并报备其整改情况（第十五条）。',
      fields: [
        { name: 'summary', label: '整改情况', type: 'textarea', required: true },
        { name: 'otherProblems', label: '其他问题整改情况', type: 'textarea', hint: '办结时记录了调查中发现的其他问题的，必须填写' },
      ],
    },
    {
      action: 'record-name-clearing',
      label: ACTION_LABELS['record-name-clearing'],
      help: '承办单位提请协助澄清事实的，记录在何范围、以何方式为被投诉人澄清事实、消除影响（第十五条）。',
      fields: [{ name: 'summary', label: '澄清情况', type: 'textarea', required: true }],
    },
    {
      action: 'reply',
      label: ACTION_LABELS.reply,
      help: '“谁办理谁答复”，记录答复方式和内容；匿名、不需答复或无法联系的说明原因（第十六条）。',
      fields: [
        // A posted result letter is recorded on its contact task (记录告知结果), not as a reply method staff pick here.
        { name: 'method', label: '答复方式', type: 'radio', required: true, options: opts(REPLY_METHOD_LABELS).filter((o) => o.value !== 'letter') },
        { name: 'summary', label: '答复内容记录', type: 'textarea', required: true, showWhen: { field: 'method', values: ['phone', 'email', 'in_person'] } },
        { name: 'reasonNone', label: '不予答复的原因', type: 'select', required: true, options: opts(NO_REPLY_REASON_LABELS), showWhen: { field: 'method', values: ['none'] } },
      ],
    },
    {
      action: 'record-follow-up',
      label: ACTION_LABELS['record-follow-up'],
      help: '办结后3个工作日内回访投诉人，记录满意度（第十七条）。',
      fields: [{ name: 'satisfaction', label: '满意度', type: 'radio', required: true, options: opts(SATISFACTION_LABELS) }, note('回访记录')],
    },
    {
      action: 'terminate',
      label: ACTION_LABELS.terminate,
      help: '有第十九条情形之一的，终止办理并告知投诉人。',
      confirm: true,
      fields: [
        { name: 'reason', label: '终止原因', type: 'select', required: true, options: article(rules.terminationReasons) },
        {
          name: 'refusal',
          label: '不出席协调活动或拒绝配合的情况',
          type: 'textarea',
          required: true,
          hint: '写明未出席的协调活动或拒绝配合的事项及时间',
          showWhen: { field: 'reason', values: ['art19-2'] },
        },
        { name: 'withdrawal', label: '投诉人放弃投诉的情况', type: 'textarea', required: true, hint: '写明投诉人以何种方式、于何时表示放弃', showWhen: { field: 'reason', values: ['art19-3'] } },
        { name: 'circumstance', label: '具体情形', type: 'radio', required: true, options: opts(TERMINATION_CIRCUMSTANCE_LABELS), showWhen: { field: 'reason', values: ['art19-4'] } },
        note('终止说明'),
      ],
    },
    {
      action: 'record-coordination',
      label: ACTION_LABELS['record-coordination'],
      help: '介入处理的复杂投诉：记录工作专班（成员及单位）、协调会（日期、参会人员、纪要、议定事项）和调查核实（询问、调取视频、查阅档案、现场核查及取得的材料）；办结时办理结果引用这些记录（第十四条第（三）项）。',
      fields: [
        {
          name: 'kind',
          label: '记录类型',
          type: 'radio',
          required: true,
          options: [
            { value: 'task_force', label: '工作专班' },
            { value: 'meeting', label: '协调会' },
            { value: 'inquiry', label: '调查核实' },
          ],
        },
        { name: 'members', label: '专班成员', type: 'textarea', required: true, hint: '每行一人：姓名（单位）', showWhen: { field: 'kind', values: ['task_force'] } },
        { name: 'date', label: '日期', type: 'date', required: true, showWhen: { field: 'kind', values: ['meeting', 'inquiry'] } },
        { name: 'attendees', label: '参会人员（单位）', type: 'textarea', required: true, hint: '每行一个', showWhen: { field: 'kind', values: ['meeting'] } },
        { name: 'minutes', label: '会议纪要', type: 'textarea', required: true, showWhen: { field: 'kind', values: ['meeting'] } },
        { name: 'decisions', label: '议定事项', type: 'textarea', required: true, showWhen: { field: 'kind', values: ['meeting'] } },
        { name: 'method', label: '调查方式', type: 'radio', required: true, options: opts(INQUIRY_METHOD_LABELS), showWhen: { field: 'kind', values: ['inquiry'] } },
        { name: 'what', label: '调查内容和结果', type: 'textarea', required: true, showWhen: { field: 'kind', values: ['inquiry'] } },
        { name: 'conductedBy', label: '调查人员', type: 'text', required: true, showWhen: { field: 'kind', values: ['inquiry'] } },
        { name: 'materials', label: '取得的材料', type: 'textarea', hint: '每行一份，如“窗口监控录像（3月2日）”', showWhen: { field: 'kind', values: ['inquiry'] } },
      ],
    },
    {
      action: 'request-correction',
      label: ACTION_LABELS['request-correction'],
      help: '投诉材料不实或有隐瞒的，提醒投诉人补正并记录提醒内容、方式、日期和补正期限；期限届满仍未补正的，方可按第十九条第（一）项终止办理。',
      fields: [
        { name: 'content', label: '补正内容', type: 'textarea', required: true },
        { name: 'channel', label: '提醒方式', type: 'radio', required: true, options: opts(CORRECTION_CHANNEL_LABELS) },
        { name: 'sentOn', label: '提醒日期', type: 'date', hint: '不填则为今天' },
        { name: 'correctBy', label: '补正期限', type: 'date', required: true },
      ],
    },
    {
      action: 'record-contact',
      label: ACTION_LABELS['record-contact'],
      help: '电话告知后记录结果（已接通／无人接听／改日再拨），信函寄出后记录“已寄出”；未接通的不算已告知。',
      fields: [
        { name: 'contactId', label: '告知任务编号', type: 'text', required: true, hint: '见“告知投诉人”一栏，如 C2' },
        { name: 'outcome', label: '结果', type: 'radio', required: true, options: opts(CONTACT_OUTCOME_LABELS) },
        { name: 'retryBy', label: '最迟再拨日期', type: 'date', required: true, showWhen: { field: 'outcome', values: ['retry_later'] } },
        note('记录'),
      ],
    },
    {
      action: 'merge',
      label: ACTION_LABELS.merge,
      help: '同一投诉经多个渠道提出的，合并到正在办理的投诉件（第十一条）。',
      confirm: true,
      fields: [{ name: 'into', label: '合并到的投诉件编号', type: 'text', required: true }, note('合并说明')],
    },
    { action: 'unmerge', label: ACTION_LABELS.unmerge, help: '撤销合并，恢复为独立的投诉件。', fields: [note('撤销合并说明')] },
    {
      action: 'recuse',
      label: ACTION_LABELS.recuse,
      help: '与投诉事项有利害关系的，应当回避；回避后您将不能再查看本件（第二十一条）。',
      confirm: true,
      fields: [
        { name: 'reason', label: '回避理由', type: 'textarea', required: true },
        { name: 'handOverTo', label: '接办人', type: 'text', hint: '本单位接办人员的用户名' },
      ],
    },
    {
      action: 'mark-secret',
      label: ACTION_LABELS['mark-secret'],
      help: '涉及国家秘密、商业秘密或个人隐私的内容，标注后对承办部门、领导查阅视图及各类文书、邮件、导出不予显示，仅政务服务管理机构可见（第十三条）。',
      fields: [
        { name: 'category', label: '保密类别', type: 'radio', required: true, options: opts(SECRECY_LABELS) },
        { name: 'scope', label: '标注范围', type: 'radio', required: true, options: opts(SECRECY_SCOPE_LABELS) },
        { name: 'passages', label: '要隐去的内容', type: 'textarea', required: true, hint: '从投诉内容或办理记录中按原文复制，每行一段', showWhen: { field: 'scope', values: ['passages'] } },
        { name: 'reason', label: '标注理由', type: 'textarea', required: true },
      ],
    },
    {
      action: 'lift-secret-mark',
      label: ACTION_LABELS['lift-secret-mark'],
      help: '标注有误或已无保密必要的，解除标注；标注记录保留。',
      confirm: true,
      fields: [
        { name: 'markId', label: '标注编号', type: 'text', required: true, hint: '见“保密标注”一栏，如 M1' },
        { name: 'reason', label: '解除理由', type: 'textarea', required: true },
      ],
    },
    {
      action: 'escalate',
      label: ACTION_LABELS.escalate,
      help: '上报管理机构协调，或有信访维稳风险时立即报告主管领导（第九条第（二）项）。',
      fields: [
        {
          name: 'to',
          label: '上报对象',
          type: 'radio',
          required: true,
          options: [
            { value: 'agency', label: ROLE_LABELS.agency },
            { value: 'leader', label: ROLE_LABELS.leader },
          ],
        },
        { name: 'reason', label: '上报事由', type: 'textarea', required: true },
        { name: 'stabilityRisk', label: '存在信访维稳风险', type: 'checkbox' },
      ],
    },
  ];
}

async function principalOf(c: Context, deps: ConsoleApiDeps): Promise<StaffPrincipal> {
  const p = await authenticate(deps.verifier, c.req.header('authorization'));
  if (p.jurisdiction && p.jurisdiction !== deps.jurisdiction.code) throw new ForbiddenError('该账户不属于本辖区。');
  return p;
}

/**
 * The banner text while only a lapsed rules version is in force: what administrators and the agency must do (the
 * full warning, with how to register a successor); for other staff, what it means for their cases.
 */
export function lapsedRulesBanner(status: RulesStatus, role: StaffRole): string {
  if (role === 'admin' || role === 'agency') return `规则提醒：${status.warnings.join(' ')}`;
  const v = status.inForce;
  const next = status.next ? `后续版本 ${status.next.id} 自 ${status.next.effectiveFrom} 起施行。` : '尚未登记后续版本，已通知管理员。';
  return `规则提醒：现行《${v.title}》（${v.id}）的有效期已于 ${v.validUntil ?? ''} 届满，系统继续按该版本办理新收到的投诉；${next}已受理的投诉件按受理时施行的版本办理。`;
}

function requireRole(p: StaffPrincipal, roles: readonly StaffRole[], message: string): void {
  if (!roles.includes(p.role)) throw new ForbiddenError(message);
}

/** The caller's visible cases (shared/services/case-search.ts), under this deployment's scan limit. */
function scanVisible(deps: ConsoleApiDeps, actor: Actor, keep: (c: CaseRecord) => boolean): Promise<{ items: CaseRecord[]; truncated: boolean }> {
  return visibleCases(searchDeps(deps), actor, keep);
}

const searchDeps = (deps: ConsoleApiDeps) => ({ store: deps.store, jurisdiction: deps.jurisdiction.code, clock: deps.clock, ...(deps.scanLimit !== undefined ? { scanLimit: deps.scanLimit } : {}) });

function evidenceOf(c: CaseRecord): EvidenceRef[] {
  return [...c.intake.evidence, ...(c.merges ?? []).filter((m) => !m.unmergedAt).flatMap((m) => m.evidence)];
}

/** RFC 6266 filename for a download: ASCII fallback plus the UTF-8 name; any path the uploader wrote is dropped. */
export function contentDisposition(stored: string): string {
  const filename = safeFilename(stored, 'evidence');
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function registerConsoleApiRoutes(app: Hono, deps: ConsoleApiDeps): void {
  app.get('/api/console/meta', async (c) => {
    const p = await principalOf(c, deps);
    const today = shanghaiDate(deps.clock.now());
    const rules = deps.rules.inForceOn(today).version;
    const status = rulesStatus(deps.rules, today);
    return c.json({
      // Art. 22: the console shows a banner while only a lapsed rules version is in force.
      rules: {
        inForce: { id: rules.id, title: rules.title, effectiveFrom: rules.effectiveFrom, ...(rules.validUntil ? { validUntil: rules.validUntil } : {}) },
        lapsed: status.lapsed,
        ...(status.next ? { next: { id: status.next.id, title: status.next.title, effectiveFrom: status.next.effectiveFrom } } : {}),
        ...(status.lapsed ? { banner: lapsedRulesBanner(status, p.role) } : {}),
      },
      me: { username: p.username, role: p.role, roleLabel: ROLE_LABELS[p.role], ...(p.department ? { department: p.department } : {}) },
      jurisdiction: { code: deps.jurisdiction.code, name: deps.jurisdiction.name, agency: deps.jurisdiction.agency.name },
      departments: deps.jurisdiction.departments.map((d) => ({ code: d.code, name: d.name })),
      labels: {
        phases: PHASE_LABELS,
        actions: ACTION_LABELS,
        channels: CHANNEL_LABELS,
        classification: CLASSIFICATION_LABELS,
        finding: FINDING_LABELS_INTERNAL,
        satisfaction: SATISFACTION_LABELS,
        replyMethod: REPLY_METHOD_LABELS,
        noReplyReason: NO_REPLY_REASON_LABELS,
        clocks: CLOCK_LABELS,
        roles: ROLE_LABELS,
        quarantineReasons: QUARANTINE_REASON_LABELS,
        notAcceptedReasons: rules.notAcceptedReasons,
        terminationReasons: rules.terminationReasons,
        secrecy: SECRECY_LABELS,
      },
      forms: actionForms(rules, causeCategoriesOf(deps.jurisdiction)),
    });
  });

  app.get('/api/console/search', async (c) => {
    const p = await principalOf(c, deps);
    requireRole(p, ['agency', 'department', 'leader'], '系统管理员默认不查看投诉内容。');
    const r = await searchCases(searchDeps(deps), p.actor, c.req.query('q') ?? '');
    return c.json({ by: r.by, items: r.items.map((rec) => caseSummary(deps, p.actor, rec)), ...(r.truncated ? { truncated: true } : {}) });
  });

  app.get('/api/console/duplicates', async (c) => {
    const p = await principalOf(c, deps);
    requireRole(p, ['agency', 'department'], '只有政务服务管理机构和承办部门可以查看疑似重复件。');
    const r = await scanVisible(deps, p.actor, (rec) => !FINAL_PHASES.includes(rec.phase) && (rec.flags.possibleDuplicateOf?.length ?? 0) > 0);
    const items = [];
    for (const rec of r.items) {
      const candidates = [];
      for (const id of rec.flags.possibleDuplicateOf ?? []) {
        const other = await deps.store.get(id);
        // A candidate the caller may not read is named by its number only.
        const found = rec.duplicateSuspects?.find((x) => x.caseId === id)?.reasons;
        const reasons = found ? duplicateReasonsFor(p.actor, found) : undefined;
        candidates.push({ ...(other && canRead(p.actor, other) ? caseSummary(deps, p.actor, other) : { caseId: id, trackingNo: id, hidden: true }), ...(reasons ? { reasons } : {}) });
      }
      items.push({ ...caseSummary(deps, p.actor, rec), candidates });
    }
    return c.json({ items, ...(r.truncated ? { truncated: true } : {}) });
  });

  // "可能重复" of one case (art. 11, issue 22): both directions with the matcher's reasons, each candidate as a
  // queue row (what the caller may do with it included), and which one-click merge applies. Audited as a read.
  app.get('/api/console/cases/:caseId/duplicates', async (c) => {
    const p = await principalOf(c, deps);
    requireRole(p, ['agency', 'department'], '只有政务服务管理机构和承办部门可以查看疑似重复件。');
    const caseId = c.req.param('caseId');
    const record = caseId.length > 0 && caseId.length <= 128 ? await deps.store.get(caseId) : undefined;
    if (!record) throw new NotFoundError('未找到该投诉件。');
    const at = deps.clock.now().toISOString();
    const denied = readDenial(p.actor, record);
    if (denied) {
      await deps.store.audit({ caseId, at, actor: p.actor, what: 'read_duplicates_denied', ...(denied.code !== 'forbidden' ? { detail: { code: denied.code } } : {}) });
      throw denied;
    }
    await deps.store.audit({ caseId, at, actor: p.actor, what: 'read_duplicates' });
    const items = [];
    const mayDecide = canAct(p.actor, record, 'merge') && !FINAL_PHASES.includes(record.phase);
    for (const s of record.duplicateSuspects ?? []) {
      const other = await deps.store.get(s.caseId);
      const visible = other && canRead(p.actor, other);
      // The merge goes from the later case into the earlier one: this case into the candidate (`of`), or the
      // candidate into this case (`by`).
      const [from, into] = s.direction === 'of' ? [record, other] : [other, record];
      const mayMerge = !!visible && !!from && !!into && caseSummary(deps, p.actor, from).allowedActions.includes('merge') && into.phase !== 'merged' && !FINAL_PHASES.includes(into.phase);
      items.push({
        direction: s.direction,
        score: s.score,
        reasons: duplicateReasonsFor(p.actor, s.reasons),
        at: s.at,
        candidate: visible ? caseSummary(deps, p.actor, other) : { caseId: s.caseId, trackingNo: s.trackingNo, hidden: true },
        ...(mayMerge ? { merge: { caseId: from.caseId, into: into.caseId } } : {}),
        ...(visible && mayDecide ? { mayDismiss: true } : {}),
      });
    }
    // Pairs dismissed as "不是重复", with who and when, so that the dismissal can be undone.
    for (const d of (record.dismissedDuplicates ?? []).filter((x) => activeDismissal(record, x.caseId) === x)) {
      const other = await deps.store.get(d.caseId);
      const visible = !!other && canRead(p.actor, other);
      items.push({
        direction: d.direction,
        score: d.score,
        reasons: duplicateReasonsFor(p.actor, d.reasons),
        at: d.at,
        candidate: visible ? caseSummary(deps, p.actor, other) : { caseId: d.caseId, trackingNo: d.trackingNo, hidden: true },
        dismissed: { at: d.dismissedAt, by: d.dismissedBy.id, ...(d.note ? { note: d.note } : {}) },
        ...(visible && mayDecide ? { mayRestore: true } : {}),
      });
    }
    const mergedInto = record.phase === 'merged' ? record.mergedInto : undefined;
    return c.json({ caseId, items, ...(mergedInto ? { mergedInto, mayUnmerge: caseSummary(deps, p.actor, record).allowedActions.includes('unmerge') } : {}) });
  });

  // "不是重复" on a flagged pair, and its undo (issue 22): both cases, audited on both (shared/services/duplicate-dismissal.ts).
  for (const [path, what] of [
    ['dismiss', 'dismiss'],
    ['restore', 'restore'],
  ] as const) {
    app.post(`/api/console/cases/:caseId/duplicates/:otherId/${path}`, bodyLimit({ maxSize: 4096 }), async (c) => {
      const p = await principalOf(c, deps);
      requireRole(p, ['agency', 'department'], '只有政务服务管理机构和承办部门可以认定是否重复。');
      const caseId = c.req.param('caseId');
      const otherId = c.req.param('otherId');
      if (caseId.length > 128 || otherId.length > 128) throw new NotFoundError('未找到该投诉件。');
      let raw: unknown = {};
      const text = await c.req.text();
      if (text.trim().length > 0) {
        try {
          raw = JSON.parse(text);
        } catch {
          throw new ValidationError([{ field: '(root)', code: 'invalid_json', message: '请求内容不是有效的 JSON。' }]);
        }
      }
      const body = DecidePairBody.safeParse(raw);
      if (!body.success)
        throw new ValidationError(
          body.error.issues.map((i) => ({ field: i.path.join('.') || '(root)', code: i.code, message: i.path[0] === 'note' ? '说明不能超过 500 个字。' : '请求内容只能包含“说明”（note）。' })),
        );
      const r = await decidePair(deps, caseId, otherId, p.actor, what, body.data.note || undefined);
      return c.json({ caseId: r.record.caseId, other: otherId, dismissed: what === 'dismiss' });
    });
  }

  app.get('/api/console/cases/:caseId/evidence/:sha256', async (c) => {
    const p = await principalOf(c, deps);
    const caseId = c.req.param('caseId');
    const sha = c.req.param('sha256');
    if (!/^[a-f0-9]{64}$/.test(sha) || caseId.length > 128) throw new NotFoundError('未找到该证据材料。');
    const record = await deps.store.get(caseId);
    if (!record) throw new NotFoundError('未找到该投诉件。');
    const at = deps.clock.now().toISOString();
    const denied = readDenial(p.actor, record);
    if (denied) {
      await deps.store.audit({ caseId, at, actor: p.actor, what: 'read_evidence_denied', ...(denied.code !== 'forbidden' ? { detail: { code: denied.code } } : {}) });
      throw denied;
    }
    const ev = evidenceOf(record).find((e) => e.sha256 === sha);
    if (!ev) throw new NotFoundError('未找到该证据材料。');
    // Art. 13: evidence withheld by a secrecy mark is not listed in the caller's view, nor downloadable.
    if (!evidenceOf(viewFor(p.actor, record)).some((e) => e.sha256 === sha)) {
      await deps.store.audit({ caseId, at, actor: p.actor, what: 'read_evidence_denied', detail: { code: 'secrecy_withheld' } });
      throw new ForbiddenError(withheldNotice(record) ?? '该证据材料不予显示。', 'secrecy_withheld');
    }
    if (!deps.blobs) throw new NotFoundError('此部署未提供证据材料下载。');
    const body = await deps.blobs.get(ev.ref);
    if (!body) throw new NotFoundError('证据材料文件已不存在。');
    await deps.store.audit({ caseId, at, actor: p.actor, what: 'read_evidence', detail: { sha256: sha } });
    // Always a download, never rendered on our origin: an uploaded HTML or SVG must not run here.
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: {
        'content-type': 'application/octet-stream',
        'content-disposition': contentDisposition(evidenceFilenameFor(p.actor, record, ev)),
        'content-security-policy': "default-src 'none'; sandbox",
        'cache-control': 'no-store',
      },
    });
  });
}
