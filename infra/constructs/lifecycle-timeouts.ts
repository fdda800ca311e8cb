/**
 * Timeouts of the life-cycle task functions (issue 26 item 3), shared by the CDK Workflow construct (the Lambda
 * timeout) and the tests that hold statemachines/case-lifecycle.asl.json to them (every function Task state has
 * a TimeoutSeconds, longer than the function's own timeout, so that the Lambda's timeout, with its clear
 * `Sandbox.Timedout`, comes first and the state's only catches an invocation that never answers). Without a
 * TimeoutSeconds a Task state waits 99,999,999 s on AWS and 60 s in aws-local-stepfunctions.
 */

/** The Lambda timeout of every life-cycle task function (infra/constructs/workflow.ts). */
export const TASK_FUNCTION_TIMEOUT_SECONDS = 60;

/** The TimeoutSeconds of every non-callback Task state of the ASL. */
export const TASK_STATE_TIMEOUT_SECONDS = 90;
