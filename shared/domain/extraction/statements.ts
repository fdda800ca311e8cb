/**
 * Statements about anonymity, reply and confidentiality that change how a case is handled:
 * art. 4 (real name in principle), art. 13 (confidentiality on request), art. 16 (no reply for anonymous
 * complaints or when the complainant does not want one).
 */

const ANONYMOUS = /匿名(?!信息)|不愿(?:意)?(?:透露|留下?|提供)(?:真实)?(?:姓名|身份|名字)|不留(?:真实)?(?:姓名|名字)/;
const NO_REPLY = /(?:无需|不需要|不需|不用|不必|无须|毋需|不要|勿)(?:再)?(?:给我)?(?:回复|答复|回电|回访|回信|反馈)/;
const CONFIDENTIAL = /(?:请|希望|要求|务必)[^。\n]{0,12}保密|(?:不要|请勿|切勿|别)(?:向[^。\n]{0,12})?(?:透露|泄露|公开|告知)[^。\n]{0,8}(?:我的|本人)?(?:姓名|身份|信息|名字|联系方式)/;
/** A labelled name that says there is none. */
const NO_NAME = /^(?:匿名|无|不详|不愿透露|保密|[-—*]+)$/;

export interface Statements {
  anonymous: boolean;
  noReplyWanted: boolean;
  confidential: boolean;
}

export function detectStatements(text: string, labelledName?: string): Statements {
  return {
    anonymous: ANONYMOUS.test(text) || (labelledName !== undefined && NO_NAME.test(labelledName.trim())),
    noReplyWanted: NO_REPLY.test(text),
    confidential: CONFIDENTIAL.test(text),
  };
}

export function isNoName(value: string): boolean {
  return NO_NAME.test(value.trim());
}
