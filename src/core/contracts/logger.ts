import type { InjectionToken } from 'tsyringe';
import type { Logger as PinoLogger } from 'pino';

/** Logger is the structured logger (pino) every component receives; plugins get one bound to their name. */
export type Logger = PinoLogger;
/** Logger is also the injection token of the root logger. */
export const Logger: InjectionToken<Logger> = Symbol('Logger');
