// What the source hands downstream: one watch event (a pod or an event object), live or replayed.

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchType;
  object: unknown;
  /** Part of a (re)list: remember it, but what was already there is not news. */
  seed?: boolean;
}
