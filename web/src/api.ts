// The HTTP API client. Every call goes through api(): it sends the session cookie, echoes the
// CSRF token on writes (the server wants X-CSRF-Token equal to the muster_csrf cookie set at
// login), and turns every failure into one of three errors:
//   ApiError        the server answered with a problem (RFC 9457); `field` names the input at fault
//   NetworkError    no answer at all (offline, server down)
//   SessionExpired  401 on an authenticated call; the onSessionExpired hook has already run
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  field?: string;
  reasons?: string[]; // 409 when a person may not be summoned: every eligibility reason
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
  get status(): number {
    return this.problem.status;
  }
  get field(): string | undefined {
    return this.problem.field;
  }
}

export class NetworkError extends Error {}
export class SessionExpired extends Error {}

let sessionExpiredHook: () => void = () => {};
export function onSessionExpired(hook: () => void): void {
  sessionExpiredHook = hook;
}

function cookie(name: string): string {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return '';
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = cookie('muster_csrf');
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let response: Response;
  try {
    response = await fetch(path.startsWith('/') ? path : `/api/v1/${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new NetworkError(String(e));
  }
  const text = await response.text().catch(() => '');
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (response.ok) return json as T;
  const problem: Problem =
    json && typeof json === 'object' ? { status: response.status, ...(json as object) } : { status: response.status };
  const isLogin = path === 'session' && method === 'POST';
  if (response.status === 401 && !isLogin && path !== 'activation') {
    sessionExpiredHook();
    throw new SessionExpired(problem.detail);
  }
  if (response.status === 502 || response.status === 503 || response.status === 504) {
    throw new NetworkError(problem.detail ?? `HTTP ${response.status}`);
  }
  throw new ApiError(problem);
}

// The domain types as the server writes them (src/codec/json.cpp).
export interface Principal {
  role: string;
  login: string;
  national_id?: string;
  offices?: string[];
}

export interface Summons {
  number: string;
  national_id: string;
  office: string;
  kind: string;
  campaign_id: number | null;
  appear_at: string;
  place: string;
  purpose: string;
  state: string;
  issued_at: string;
  issued_by: string;
  delivered_at: string | null;
  viewed_at: string | null;
  appeared_at: string | null;
  closed_at: string | null;
  close_reason: string;
  office_timezone: string; // the office's IANA zone: the appointment is shown in it
  deadline: string; // appear_at + the policy's grace period: after it, a no-show
  override?: { reason: string; approved_by: string };
}

export interface Appeal {
  id: number;
  summons: string;
  reason: string;
  text: string;
  state: string;
  filed_by: string;
  filed_at: string;
  decided_by: string;
  decided_at: string | null;
  decision_reason: string;
  office?: string;
  issued_by?: string;
}

export interface Restriction {
  id: number;
  national_id: string;
  summons: string;
  kind: string;
  imposed_at: string;
  effective_at: string;
  lifted_at: string | null;
  lift_reason: string;
}

export interface Person {
  national_id: string;
  surname: string;
  given_name: string;
  patronymic: string;
  birth_date: string;
  sex: string;
  district: string;
  category: string;
  fitness: string;
  address: string;
  email: string;
  phone: string;
  status: string;
}

// GET persons/{national_id}: the person's page.
export interface PersonPage extends Person {
  deferments: {
    id: number;
    kind: string;
    until: string;
    basis: string;
    created_by: string;
    ended_at: string | null;
  }[];
  summonses: Summons[];
  restrictions: Restriction[];
  history: DomainEvent[]; // oldest first
  history_complete: boolean;
}

export interface DomainEvent {
  seq: number;
  type: string; // "summons.issued", "restriction.imposed", ...
  at: string;
  actor: string;
  subject: string;
  payload: Record<string, unknown>;
}

export interface Eligibility {
  eligible: boolean;
  reasons: string[];
  national_id: string;
  office: string;
  kind: string;
  appear_at: string;
}

export interface Override {
  id: number;
  national_id: string;
  office: string;
  kind: string;
  appear_at: string;
  place: string;
  purpose: string;
  reasons: string[];
  justification: string;
  requested_by: string;
  requested_at: string;
  state: 'pending' | 'approved' | 'rejected';
  decided_by: string;
  decided_at: string | null;
  summons_id: number | null;
}

export interface Campaign {
  id: number;
  kind: string;
  name: string;
  basis: string;
  districts: string[];
  age: [number, number];
  quota: number;
  appear_from: string;
  appear_until: string;
}

export interface CampaignPlan {
  candidates: number;
  planned: number;
  already_issued: number;
  excluded: number;
  no_capacity: number;
  over_quota: number;
  excluded_by_reason: Record<string, number>;
  by_district: Record<
    string,
    { candidates: number; planned: number; already_issued: number; excluded: number; no_capacity: number; over_quota: number }
  >;
}

export interface Job {
  id: number;
  state: 'queued' | 'running' | 'done' | 'failed';
  done: number;
  total: number;
  error: string | null;
}

export interface List<T> {
  items: T[];
  next_cursor?: string | null;
}

// GET reports/...: what the numbers mean is defined in src/summons/report.hpp.
export interface Funnel {
  campaign_id: number;
  issued: number;
  delivered: number;
  viewed: number;
  appeared: number;
  excused: number;
  no_show: number;
  cancelled: number;
}

export interface TimelineDay {
  day: string; // YYYY-MM-DD, UTC
  issued: number;
  delivered: number;
  appeared: number;
  no_show: number;
}

export interface DistrictRow {
  district: string;
  issued: number;
  delivered: number;
  appeared: number;
  no_show: number;
  excused: number;
  restrictions_active: number;
}

// A request to correct one field of a person's registry data.
export interface Correction {
  id: number;
  national_id: string;
  district: string;
  field: string;
  value: string;
  explanation: string;
  state: 'pending' | 'approved' | 'rejected';
  requested_by: string;
  requested_at: string;
  decided_by: string;
  decided_at: string | null;
  decision_reason: string;
  previous_value: string;
}

// GET ledger/checkpoint with Accept: application/json.
export interface Checkpoint {
  origin: string;
  tree_size: number;
  root: string; // hex
  created_at: string;
  checkpoint: string; // the C2SP signed note
  public_key: string; // the verifier key
}

export interface ConsistencyProof {
  from: number;
  to: number;
  root_from: string;
  root_to: string;
  proof: string[]; // hex
}
