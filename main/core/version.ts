export const MODEL_VERSION = '1.0.0';
