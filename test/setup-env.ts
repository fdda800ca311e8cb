// Tests must not depend on the machine's zone: the calendar converts every instant to Asia/Shanghai itself.
process.env.AWS_REGION ??= 'ap-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.POWERTOOLS_DEV ??= 'false';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
