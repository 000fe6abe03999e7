// The attributes Docker attaches to a container's events: its labels, then its image and name
// (moby daemon/events.go LogContainerEventWithAttributes). docker-compose follows its
// containers' events by these labels.

export interface EventSubject {
  config: { Labels?: Record<string, string> | null };
  imageName: string;
  /** "/name", as stored. */
  name: string;
}

export function containerEventAttributes(c: EventSubject): Record<string, string> {
  return { ...(c.config.Labels ?? {}), image: c.imageName, name: c.name.replace(/^\//, "") };
}
