/**
 * The OpenAPI document of every route of INTERFACES.md, generated from the zod schemas with zod-openapi.
 * Staff routes are described here even though their handlers are mounted by the embedded runtime / staff API.
 */
import { HandoverEnvelope } from '../../shared/domain/handover';
import * as z from 'zod';
import { createDocument } from 'zod-openapi';
import { WebComplaint } from '../../shared/intake/channels';
import { CanonicalIntake } from '../../shared/domain/intake';
import { PHASES } from '../../shared/domain/case';
import { ACTION_NAMES } from '../../shared/domain/lifecycle/context';

const FieldProblem = z.object({ field: z.string(), message: z.string(), code: z.string().optional() }).meta({ id: 'FieldProblem' });
const ErrorBody = z.object({ code: z.string(), message: z.string(), errors: z.array(FieldProblem).optional() }).meta({ id: 'Error' });
const Created = z
  .object({
    caseId: z.string().meta({ description: '受理编号 (tracking number)' }),
    queryCode: z.string().optional().meta({ description: '查询码; only in the answer that created the case' }),
    status: z.enum(PHASES),
    mergedInto: z.string().optional(),
    duplicate: z.boolean().optional(),
    possibleDuplicate: z
      .object({
        label: z.literal('可能重复'),
        candidates: z.array(z.object({ caseId: z.string(), score: z.number(), reasons: z.array(z.string()) })),
      })
      .optional()
      .meta({ description: 'Staff intake only (POST /api/intake/{channel}): the cases this one may repeat (art. 11), with the reasons; merge or keep apart in the console.' }),
  })
  .meta({ id: 'ComplaintCreated' });
const PublicCase = z
  .object({
    caseId: z.string(),
    trackingNo: z.string(),
    status: z.enum(PHASES),
    statusLabel: z.string(),
    receivedAt: z.string(),
    channel: z.string(),
    mergedInto: z.string().optional(),
    joined: z
      .object({
        trackingNo: z.string(),
        status: z.enum(PHASES),
        statusLabel: z.string(),
        due: z.object({ label: z.string(), date: z.string(), provisional: z.boolean() }).optional(),
        timeline: z.array(z.object({ at: z.string(), phase: z.enum(PHASES), label: z.string() })),
      })
      .optional()
      .meta({ description: 'A case merged into another (art. 11): the progress of the case it joined, phases and dates only, nothing of its complainant.' }),
    timeline: z.array(z.object({ at: z.string(), phase: z.enum(PHASES), label: z.string() })),
  })
  .meta({ id: 'PublicCase' });
const Decision = z.record(z.string(), z.unknown()).meta({ id: 'EvaluationDecision', description: 'An art. 20 decision (shared/domain/evaluation/decisions.ts EvaluationDecision).' });
const Action = z
  .object({ action: z.enum(ACTION_NAMES) })
  .catchall(z.unknown())
  .meta({ id: 'Action' });
const CaseRecordSchema = z.record(z.string(), z.unknown()).meta({ id: 'CaseRecord', description: 'The whole case with its timeline (shared/domain/case.ts).' });

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const errors = {
  '400': json(ErrorBody, '校验失败：errors 中逐项给出中文提示 (validation failed)'),
  '401': json(ErrorBody, 'not signed in'),
  '403': json(
    ErrorBody,
    'forbidden; code `respondent_person_conflict` (the caller is the respondent person the case names, art. 21), `recused` (the caller recused, art. 21), `secrecy_withheld` (content marked as secret or private, art. 13), else `forbidden`',
  ),
  '404': json(ErrorBody, 'not found'),
  '429': json(ErrorBody.extend({ retryAfterSeconds: z.number().int() }), 'too many requests or wrong guesses from this client address; see the Retry-After header (docs/limits.md)'),
};
const bearer = [{ bearer: [] }];
const caseIdParam = z.string().meta({ description: '受理编号' });

export function buildOpenApiDocument(): ReturnType<typeof createDocument> {
  const reportQuarterParam = z
    .string()
    .regex(/^\d{4}Q[1-4]$/)
    .optional()
    .meta({ description: '季度 YYYYQn（北京时间）；默认为上一个已结束的季度' });
  return createDocument({
    openapi: '3.1.0',
    info: { title: 'tousu — 政务服务投诉 API', version: '0.1.0', description: 'Same routes behind API Gateway and in the embedded runtime (INTERFACES.md).' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths: {
      '/': { get: { summary: '投诉表单页面 (complaint form page)', responses: { '200': { description: 'HTML', content: { 'text/html': { schema: z.string() } } } } } },
      '/status': {
        get: {
          summary: '进度查询页面 (status look-up page)',
          requestParams: {
            query: z.object({
              caseId: z.string().optional(),
              code: z.string().optional().meta({ deprecated: true, description: 'deprecated: post the form instead; answered with Deprecation: true' }),
            }),
          },
          responses: { '200': { description: 'HTML', content: { 'text/html': { schema: z.string() } } }, '404': { description: 'unknown case or wrong code (same page)' } },
        },
        post: {
          summary: '进度查询（表单提交，查询码不进 URL） (status look-up form)',
          requestBody: { content: { 'application/x-www-form-urlencoded': { schema: z.object({ caseId: z.string(), code: z.string() }) } } },
          responses: {
            '200': { description: 'HTML', content: { 'text/html': { schema: z.string() } } },
            '400': { description: 'a field missing (same page)' },
            '404': { description: 'unknown case or wrong code (same page)' },
            '429': errors['429'],
          },
        },
      },
      '/api/complaints': {
        post: {
          summary: '提交投诉 (file a complaint)',
          requestParams: {
            header: z.object({
              'Idempotency-Key': z
                .string()
                .regex(/^[A-Za-z0-9_-]{8,128}$/)
                .optional(),
            }),
          },
          requestBody: {
            content: {
              'application/json': { schema: WebComplaint },
              'multipart/form-data': {
                schema: z.object({ 'complainant.name': z.string().optional(), matter: z.string(), evidence: z.array(z.string().meta({ format: 'binary' })).optional() }).catchall(z.string()),
              },
            },
          },
          responses: {
            '201': json(Created, 'created'),
            '200': json(Created, 'replay of the same Idempotency-Key: same case, no query code'),
            '400': errors['400'],
            '409': json(ErrorBody, 'the same delivery is in progress'),
            '413': json(ErrorBody, 'too large'),
            '429': errors['429'],
          },
        },
      },
      '/api/handover': {
        post: {
          summary: '接收其他辖区系统的移交 (signed hand-over from another deployment; only when handover peers are configured, docs/ROUTING.md)',
          requestParams: { header: z.object({ 'X-Tousu-Handover-Signature': z.string().regex(/^kid=[A-Za-z0-9._-]{1,64},sig=[a-f0-9]{64}$/) }) },
          requestBody: { content: { 'application/json': { schema: HandoverEnvelope } } },
          responses: {
            '201': json(z.object({ caseId: z.string(), status: z.string(), duplicate: z.literal(false) }), 'filed'),
            '200': json(z.object({ caseId: z.string(), status: z.string(), duplicate: z.literal(true) }), 'second delivery of the same hand-over: the same case, nothing new'),
            '400': json(ErrorBody, 'handover_invalid'),
            '401': json(ErrorBody, 'handover_signature_missing / handover_signature_invalid / handover_unknown_peer / handover_unknown_key'),
            '422': json(ErrorBody, 'handover_wrong_recipient'),
          },
        },
      },
      '/api/complaints/{caseId}': {
        get: {
          summary: '凭查询码查询进度 (public status)',
          requestParams: {
            path: z.object({ caseId: caseIdParam }),
            header: z.object({ 'X-Query-Code': z.string().optional() }),
            query: z.object({ code: z.string().optional().meta({ deprecated: true, description: 'deprecated: send X-Query-Code or POST; answered with Deprecation: true' }) }),
          },
          responses: { '200': json(PublicCase, 'public view'), '404': errors['404'], '429': errors['429'] },
        },
        post: {
          summary: '凭查询码查询进度，查询码在请求体中 (public status, code in the body)',
          requestParams: { path: z.object({ caseId: caseIdParam }) },
          requestBody: { content: { 'application/json': { schema: z.object({ code: z.string() }) } } },
          responses: { '200': json(PublicCase, 'public view'), '404': errors['404'], '429': errors['429'] },
        },
      },
      '/api/auth/login': {
        post: {
          summary: 'staff login (embedded runtime; Cognito on AWS)',
          requestBody: { content: { 'application/json': { schema: z.object({ username: z.string(), password: z.string() }) } } },
          responses: { '200': json(z.object({ token: z.string() }), 'token'), '401': errors['401'], '429': errors['429'] },
        },
      },
      '/api/auth/logout': {
        post: {
          summary: 'staff logout: every session of the account ends at once',
          security: bearer,
          responses: { '204': { description: 'signed out' }, '401': errors['401'] },
        },
      },
      '/api/cases': {
        get: {
          summary: 'cases visible to the caller',
          security: bearer,
          requestParams: { query: z.object({ phase: z.enum(PHASES).optional(), department: z.string().optional(), overdue: z.enum(['true', 'false']).optional() }) },
          responses: { '200': json(z.object({ items: z.array(CaseRecordSchema), cursor: z.string().optional() }), 'page of cases'), '401': errors['401'] },
        },
      },
      '/api/cases/{caseId}': {
        get: {
          summary: 'the whole case with its timeline (audited)',
          security: bearer,
          requestParams: { path: z.object({ caseId: caseIdParam }) },
          responses: { '200': json(CaseRecordSchema, 'case'), '401': errors['401'], '403': errors['403'], '404': errors['404'] },
        },
      },
      '/api/cases/{caseId}/dossier': {
        get: {
          summary: 'the art. 18 dossier of an archived case as printable HTML (audited like a case read; what the role may see)',
          security: bearer,
          requestParams: { path: z.object({ caseId: caseIdParam }) },
          responses: {
            '200': {
              description: 'printable HTML (cover, contents, record, slips and notices as issued, conclusion, rectification, reply, follow-up, timeline)',
              content: { 'text/html': { schema: z.string() } },
            },
            '401': errors['401'],
            '403': errors['403'],
            '404': errors['404'],
            '409': json(ErrorBody, 'case not archived yet'),
          },
        },
      },
      '/api/cases/{caseId}/actions': {
        post: {
          summary: 'a staff action on the case',
          security: bearer,
          requestParams: { path: z.object({ caseId: caseIdParam }) },
          requestBody: { content: { 'application/json': { schema: Action } } },
          responses: { '200': json(CaseRecordSchema, 'case after the action'), '400': errors['400'], '403': errors['403'], '409': json(ErrorBody, 'action not allowed in this phase') },
        },
      },
      '/api/intake/{channel}': {
        post: {
          summary: 'staff intake: letter, suggestion-box slip, phone, window, 12345 work order (used by the tousu CLI)',
          security: bearer,
          requestParams: { path: z.object({ channel: z.enum(['letter', 'box', 'phone', 'onsite', 'workorder']) }) },
          requestBody: {
            content: { 'application/json': { schema: z.record(z.string(), z.unknown()) }, 'multipart/form-data': { schema: z.object({ entry: z.string(), files: z.array(z.string()).optional() }) } },
          },
          responses: { '201': json(Created, 'created'), '200': json(Created, 'replay'), '400': errors['400'], '401': errors['401'] },
        },
      },
      '/api/intake/{channel}/check': {
        post: {
          summary: 'staff intake, checked before saving (the console): the same validation, and the possible duplicates; stores nothing',
          security: bearer,
          requestParams: { path: z.object({ channel: z.enum(['letter', 'box', 'phone', 'onsite', 'workorder']) }) },
          requestBody: {
            content: {
              'application/json': { schema: z.object({ entry: z.record(z.string(), z.unknown()), files: z.array(z.object({ name: z.string() })).optional(), signedForm: z.boolean().optional() }) },
            },
          },
          responses: {
            '200': json(
              z.object({
                ok: z.literal(true),
                outcome: z.enum(['new', 'merge', 'possible', 'repeat']),
                candidates: z.array(z.object({ caseId: z.string(), score: z.number(), reasons: z.array(z.string()) })),
                label: z.string().optional(),
              }),
              'what saving would do',
            ),
            '400': errors['400'],
            '401': errors['401'],
          },
        },
      },
      '/api/reports/evaluation': {
        get: {
          summary: '季度考核评价与分析报告 (quarterly art. 20 evaluation and art. 17 analysis; agency and leader only)',
          security: bearer,
          requestParams: {
            query: z.object({
              quarter: reportQuarterParam,
              format: z.enum(['json', 'csv', 'html']).optional().meta({ description: 'json (default), csv (attachment, UTF-8 with BOM), html (self-contained page)' }),
            }),
          },
          responses: {
            '200': {
              description: 'the report (shared/domain/evaluation/report.ts EvaluationReport)',
              content: {
                'application/json': { schema: z.record(z.string(), z.unknown()).meta({ id: 'EvaluationReport' }) },
                'text/csv': { schema: z.string() },
                'text/html': { schema: z.string() },
              },
            },
            '400': errors['400'],
            '401': errors['401'],
            '403': errors['403'],
          },
        },
      },
      '/api/reports/analysis': {
        get: {
          summary: '投诉内容定期分析 (art. 17: by department, service item, cause category, channel and satisfaction; trends; repeat respondents; agency and leader only)',
          security: bearer,
          requestParams: {
            query: z.object({
              quarter: reportQuarterParam,
              quarters: z.number().int().min(1).max(8).optional().meta({ description: 'how many quarters up to `quarter` (default 4)' }),
              format: z.enum(['json', 'csv', 'html']).optional(),
            }),
          },
          responses: {
            '200': {
              description: 'the analysis (shared/domain/evaluation/analysis.ts AnalysisReport); html with inline SVG charts, csv for Excel',
              content: { 'application/json': { schema: z.record(z.string(), z.unknown()).meta({ id: 'AnalysisReport' }) }, 'text/csv': { schema: z.string() }, 'text/html': { schema: z.string() } },
            },
            '400': errors['400'],
            '401': errors['401'],
            '403': errors['403'],
          },
        },
      },
      '/api/evaluation/decisions': {
        get: {
          summary: '考评决定 (art. 20 decisions of a quarter the caller may see: agency and leaders all, a liaison its own unit and staff)',
          security: bearer,
          requestParams: { query: z.object({ quarter: z.string().optional() }) },
          responses: { '200': json(z.object({ quarter: z.string(), items: z.array(Decision), mayEvaluate: z.boolean() }), 'the decisions'), '401': errors['401'], '403': errors['403'] },
        },
      },
      '/api/evaluation/decisions/evaluate': {
        post: {
          summary: '评定季度 (agency: make or update the quarter’s decisions from its report; new and changed ones are notified to the unit)',
          security: bearer,
          requestBody: { content: { 'application/json': { schema: z.object({ quarter: z.string().optional() }) } } },
          responses: {
            '200': json(z.object({ quarter: z.string(), changed: z.number(), notified: z.number(), items: z.array(Decision) }), 'the quarter’s decisions'),
            '400': errors['400'],
            '403': errors['403'],
          },
        },
      },
      '/api/evaluation/decisions/{id}': {
        get: { summary: 'one decision with grounds, objections, notices and history', security: bearer, responses: { '200': json(Decision, 'the decision'), '404': errors['404'] } },
      },
      '/api/evaluation/decisions/{id}/objections': {
        post: {
          summary: '提出异议 (the unit, or the agency for it, disputes a ground or the whole decision)',
          security: bearer,
          requestBody: { content: { 'application/json': { schema: z.object({ caseId: z.string().optional(), text: z.string() }) } } },
          responses: { '201': json(Decision, 'the decision with the objection'), '400': errors['400'], '403': errors['403'], '404': errors['404'] },
        },
      },
      '/api/evaluation/decisions/{id}/objections/{objectionId}/ruling': {
        post: {
          summary: '复核异议 (agency; upheld excludes the disputed ground and re-judges the decision)',
          security: bearer,
          requestBody: { content: { 'application/json': { schema: z.object({ upheld: z.boolean(), reason: z.string() }) } } },
          responses: { '200': json(Decision, 'the decision'), '400': errors['400'], '403': errors['403'], '404': errors['404'] },
        },
      },
      '/api/evaluation/decisions/{id}/referral-outcome': {
        post: {
          summary: '登记所在单位处理结果 (art. 20, last sentence: the unit’s outcome for a referred staff member)',
          security: bearer,
          requestBody: { content: { 'application/json': { schema: z.object({ text: z.string() }) } } },
          responses: { '200': json(Decision, 'the decision'), '400': errors['400'], '404': errors['404'] },
        },
      },
      '/api/outbox/{file}': {
        get: {
          summary: 'one sent mail: whole for the agency, masked (address, subject, no body) for the administrator; audited on its case',
          security: bearer,
          responses: { '200': json(z.object({ entry: z.record(z.string(), z.unknown()), text: z.string(), masked: z.boolean() }), 'the mail'), '403': errors['403'], '404': errors['404'] },
        },
      },
      '/api/quarantine/{id}': {
        get: {
          summary: 'one quarantined mail: whole for the agency, sender and subject masked for the administrator; audited under quarantine/{id}',
          security: bearer,
          responses: { '200': json(z.record(z.string(), z.unknown()), 'the entry'), '403': errors['403'], '404': errors['404'] },
        },
      },
      '/api/openapi.json': { get: { summary: 'this document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
      '/console': { get: { summary: 'staff console', responses: { '200': { description: 'HTML', content: { 'text/html': { schema: z.string() } } } } } },
    },
    'x-canonical-intake': z.toJSONSchema(CanonicalIntake, { io: 'input', unrepresentable: 'any' }),
  } as Parameters<typeof createDocument>[0]);
}
