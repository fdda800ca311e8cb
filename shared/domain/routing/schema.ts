/**
 * The service catalogue of one jurisdiction (政务服务事项目录) and the routing decision stored on every case
 * (issue 15). The catalogue is data an administrator edits (config/jurisdictions/catalogue/<code>.json),
 * validated by `tousu config validate`; the decision is what routing made of an intake, with its reason.
 */
import * as z from 'zod';
import { Code } from '../intake';

const phrase = z.string().trim().min(2, '词语至少 2 个字').max(60, '词语不能超过 60 个字');
/** A synonym: one phrase, or several joined by `+` that must all occur in the text ("公积金+提取"). */
const synonym = z
  .string()
  .trim()
  .min(2, '同义词至少 2 个字')
  .max(80, '同义词不能超过 80 个字')
  .refine((s) => s.split('+').every((p) => p.trim().length >= 1), '用“+”连接的每一部分都不能为空');

export const ServiceItem = z.object({
  /** Stable id of the item within the catalogue, e.g. `GJJ-tiqu`. */
  id: Code,
  /** The item's official name, as shown in the reason (事项：住房公积金提取). */
  name: z.string().trim().min(2).max(100),
  /** Department code (config/jurisdictions/<code>.json) that handles the item. */
  department: Code,
  /** Common names, colloquial words and `a+b` combinations that identify the item in a complaint. */
  synonyms: z.array(synonym).min(1, '每个事项至少要有一个同义词'),
  note: z.string().max(500).optional(),
});
export type ServiceItem = z.infer<typeof ServiceItem>;

/** A place that identifies the unit (a numbered window, a named hall or desk). */
export const Place = z.object({
  id: Code,
  /** How people name it: "三号窗口", "3号窗口", "不动产窗口". */
  names: z.array(phrase).min(1),
  department: Code,
  note: z.string().max(500).optional(),
});
export type Place = z.infer<typeof Place>;

/**
 * A unit name that belongs to several departments since a reorganisation (社保局 → 人社局 for pensions, 医保局
 * for medical insurance): routing takes the department the service item points to, else asks a person.
 */
export const SharedName = z.object({
  names: z.array(phrase).min(1),
  departments: z.array(Code).min(2, '共用名称至少对应两个部门'),
  note: z.string().min(1).max(500),
});
export type SharedName = z.infer<typeof SharedName>;

/** Matters that are not government services (art. 8(2), 9(1)): shop disputes, private quarrels … */
export const NotGovernmentRule = z.object({
  id: Code,
  name: z.string().trim().min(2).max(100),
  phrases: z.array(synonym).min(1),
  /** Where the complainant is told to go (art. 9(1)). */
  advice: z.string().trim().min(2).max(500),
});
export type NotGovernmentRule = z.infer<typeof NotGovernmentRule>;

/** A place outside Suining that people name with its units (成都市、潼南区): art. 9(1) referral, no deployment. */
export const OutsideJurisdiction = z.object({
  name: z.string().trim().min(2).max(50),
  nameForms: z.array(phrase).min(1),
});
export type OutsideJurisdiction = z.infer<typeof OutsideJurisdiction>;

export const ServiceCatalogue = z.object({
  /** Jurisdiction code the catalogue belongs to (file name `<code>.json`). */
  jurisdiction: z.string().regex(/^\d{6}(-[A-Za-z0-9]+)?$/, '行政区划代码应为6位数字（园区可加后缀）'),
  /** Version of the catalogue, recorded with every routing decision (e.g. `2026-12-01`). */
  version: z.string().trim().min(1).max(40),
  /**
   * Names of halls that host other units' windows (政务服务中心, 便民服务中心): a unit named by one of these only
   * says where; the service item says who. With nothing else to go by, the hall's own unit answers for it.
   */
  halls: z.array(phrase).default([]),
  items: z.array(ServiceItem).min(1, '事项目录不能为空'),
  places: z.array(Place).default([]),
  sharedNames: z.array(SharedName).default([]),
  notGovernment: z.array(NotGovernmentRule).default([]),
  outside: z.array(OutsideJurisdiction).default([]),
  routing: z
    .object({
      /** Decisions at or above this confidence go to the department; below, to the agency's dispatch queue. */
      confidentAt: z.number().min(0.5).max(1).default(0.75),
      /**
       * true: a confident decision for a department of this level is dispatched by the system at screening (the
       * agency can re-route it while the department has not accepted); false (default): every agency-received
       * case waits in the dispatch queue with the proposal preselected.
       */
      autoDispatch: z.boolean().default(false),
    })
    .default({ confidentAt: 0.75, autoDispatch: false }),
});
export type ServiceCatalogue = z.infer<typeof ServiceCatalogue>;
export type ServiceCatalogueInput = z.input<typeof ServiceCatalogue>;

// ================================================================================== decision (on the case)

export const ROUTING_KINDS = ['department', 'other_jurisdiction', 'not_government', 'unknown'] as const;
export const RoutingKind = z.enum(ROUTING_KINDS);
export type RoutingKind = z.infer<typeof RoutingKind>;

export const ROUTING_KIND_LABELS: Record<RoutingKind, string> = {
  department: '本级部门（单位）',
  other_jurisdiction: '其他辖区',
  not_government: '非政务服务事项',
  unknown: '无法判断',
};

export const ROUTING_STEPS = ['unit', 'service', 'place', 'forwarder', 'jurisdiction_place', 'not_government', 'chosen'] as const;
export const RoutingStep = z.enum(ROUTING_STEPS);
export type RoutingStep = z.infer<typeof RoutingStep>;

export const RoutingTarget = z.object({
  kind: RoutingKind,
  /** Local department code (kind department). */
  department: Code.optional(),
  /** Another jurisdiction: its code when it is one of Suining's, else only its name. */
  jurisdiction: z.object({ code: z.string().max(32).optional(), name: z.string().max(100) }).optional(),
  /** Display name of the target ("遂宁市住房公积金管理中心船山区管理部", "蓬溪县", "非政务服务事项"). */
  name: z.string().max(200),
});
export type RoutingTarget = z.infer<typeof RoutingTarget>;

export const RoutingCandidate = RoutingTarget.extend({
  score: z.number().min(0).max(1),
  reason: z.string().max(500),
});
export type RoutingCandidate = z.infer<typeof RoutingCandidate>;

export const RoutingEvidence = z.object({
  step: RoutingStep,
  /** One line: "事项：住房公积金提取 → 遂宁市住房公积金管理中心船山区管理部". */
  text: z.string().max(500),
  /** The words of the complaint that matched. */
  matched: z.string().max(200),
  /** Step `service`: the catalogue item that matched (art. 17's analysis counts complaints per item). */
  item: z.object({ id: z.string().max(80), name: z.string().max(200) }).optional(),
});
export type RoutingEvidence = z.infer<typeof RoutingEvidence>;

export const Reroute = z.object({
  at: z.iso.datetime({ offset: true }),
  by: z.object({ role: z.string(), id: z.string() }).passthrough(),
  from: Code.optional(),
  to: Code,
  note: z.string().max(2000).optional(),
});

export const RoutingDecision = RoutingTarget.extend({
  confidence: z.number().min(0).max(1),
  /** confidence ≥ the catalogue's `confidentAt`. */
  confident: z.boolean(),
  /** The main reason, one line (the first evidence line). */
  reason: z.string().max(500),
  evidence: z.array(RoutingEvidence).max(12),
  /** Ranked, best first (the decision itself first); at most 5. */
  candidates: z.array(RoutingCandidate).max(5),
  /** The unit as the complainant wrote it (respondent field or the words in the text), unchanged. */
  unitAsWritten: z.string().max(200).optional(),
  /** Advice for the complainant (not a government matter: where to go; another jurisdiction: its agency). */
  advice: z.string().max(500).optional(),
  /** `auto`: the system dispatches at screening (catalogue `routing.autoDispatch`); `queue`: the agency dispatches. */
  dispatch: z.enum(['auto', 'queue']).optional(),
  catalogueVersion: z.string().max(40),
  at: z.iso.datetime({ offset: true }),
  /** Every change of department by the agency after the decision (re-route), audited and counted. */
  reroutes: z.array(Reroute).optional(),
});
export type RoutingDecision = z.infer<typeof RoutingDecision>;
