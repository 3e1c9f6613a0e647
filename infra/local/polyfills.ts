/**
 * Runtime features the local stand-ins need that Node 20 lacks. Import this module before any
 * module that uses them (it has side effects only, and is a no-op where the feature exists).
 *
 * - `Promise.withResolvers` (ES2024, Node 22): used by `aws-local-stepfunctions` for task timeouts.
 */

interface PromiseWithResolversPolyfill<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

const promiseConstructor = Promise as PromiseConstructor & { withResolvers?: unknown };

if (typeof promiseConstructor.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function withResolvers<T>(this: PromiseConstructor): PromiseWithResolversPolyfill<T> {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new this<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export {};
