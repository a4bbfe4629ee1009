/**
 * The texts of the warnings about what the hub does with this connection, kept apart from the connection logic
 * so they can be read (and reworded) in one place. Each names what happened and what to do.
 */

/** taskAssignNotice explains a `task_assign`: the hub treats every identified connection as a worker agent. */
export function taskAssignNotice(taskId: string, agentId: string): string {
  return (
    `Hub assigned task "${taskId}" to agent "${agentId}", which only collects metrics: the hub treats every ` +
    'identified connection as a worker agent. The task is not answered; the hub reclaims it after 60 s and flags ' +
    "this agent unresponsive. To avoid this, run the collectors inside the hub's own sidecar (the library's " +
    'startSidecar, or collectMetrics) instead of as a standalone connection; see the README, "What the hub does with a standalone collector".'
  );
}

/** otherAgentNotice explains an `identified` that names another agent id than the one we identified as. */
export function otherAgentNotice(identifiedAs: string, agentId: string): string {
  return `Hub identified this connection as "${identifiedAs}", not as agent "${agentId}"; reports carry "${agentId}"`;
}

/** undeliveredNotice is stop's warning when reports were left undelivered, with the counts and why. */
export function undeliveredNotice(buffered: number, expired: number, hubReachable: boolean): string {
  const why = buffered === 0 ? 'none' : hubReachable ? 'the hub is reachable but its rate limit allows no more now' : 'the hub is not reachable';
  return `Stopped with ${buffered + expired} report(s) not delivered (${buffered} waiting: ${why}; ${expired} too old to send as current)`;
}
