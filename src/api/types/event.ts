// Wire shape of GET /events (swagger.yaml EventMessage).
export interface EventMessage {
  Type: "container" | "image" | "volume" | "network" | "daemon";
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: "local";
  time: number;
  timeNano: number;
}
