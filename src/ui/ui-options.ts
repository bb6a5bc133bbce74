import { aws_ecs as ecs, aws_logs as logs, aws_s3 as s3, Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import { UiLogin } from './ui-login';
import { UiTls } from './ui-tls';

/**
 * How much the UI backend caches. Its cache workers decide its memory use; the storage limits
 * keep its disk caches within the task's ephemeral storage (20 GiB).
 */
export interface MetaflowUiCacheOptions {
  /**
   * Worker processes that load artifacts (`CACHE_ARTIFACT_MAX_ACTIONS`; upstream default 16).
   *
   * @default 4
   */
  readonly artifactWorkers?: number;

  /**
   * Worker processes that build DAGs (`CACHE_DAG_MAX_ACTIONS`; upstream default 16).
   *
   * @default 2
   */
  readonly dagWorkers?: number;

  /**
   * Worker processes that read logs (`CACHE_LOG_MAX_ACTIONS`; upstream default 8).
   *
   * @default 2
   */
  readonly logWorkers?: number;

  /**
   * Disk for cached artifacts (`CACHE_ARTIFACT_STORAGE_LIMIT`).
   *
   * @default Size.gibibytes(4)
   */
  readonly artifactStorage?: Size;

  /**
   * Disk for cached DAGs (`CACHE_DAG_STORAGE_LIMIT`).
   *
   * @default Size.gibibytes(1)
   */
  readonly dagStorage?: Size;

  /**
   * Disk for cached logs (`CACHE_LOG_STORAGE_LIMIT`).
   *
   * @default Size.gibibytes(2)
   */
  readonly logStorage?: Size;
}

/**
 * Options for the Metaflow UI: one Fargate service running the UI backend, which also serves the
 * UI itself, behind an Application Load Balancer with a login.
 */
export interface MetaflowUiOptions {
  /**
   * Put the load balancer on the internet (public subnets), or inside the VPC only.
   *
   * @default true
   */
  readonly internetFacing?: boolean;

  /**
   * HTTPS with a certificate (required for an internet-facing UI and for any login), or plain HTTP
   * for an internal UI reached over a VPN.
   *
   * @default - required when internet-facing; plain HTTP for an internal UI
   */
  readonly tls?: UiTls;

  /**
   * Who may open the UI.
   *
   * @default - UiLogin.cognito() when internet-facing, UiLogin.none() when internal
   */
  readonly login?: UiLogin;

  /**
   * Accept connections to the load balancer only from these IPv4/IPv6 CIDR ranges.
   *
   * @default - any address for an internet-facing UI, the VPC's CIDR for an internal one
   */
  readonly allowedCidrs?: string[];

  /**
   * The image with the UI backend and the bundled UI, overriding the release's for the UI only.
   *
   * @default - in a platform, `metadata.image` when set, else the release's UI image
   *            (`netflixoss/metaflow_metadata_service:v2.5.1`, which bundles UI v1.3.13, for `MetaflowRelease.V2_5_1`)
   */
  readonly image?: ecs.ContainerImage;

  /**
   * CPU units of the task (512 = 0.5 vCPU).
   *
   * @default 512, or the smallest size that fits the memory when only the memory is given
   */
  readonly cpu?: number;

  /**
   * Memory of the task in MiB; must suit `cpu`. Raise it with the cache workers. The UI backend
   * starts one card-cache process per task whose page is open, with no limit, each living up to
   * `CARD_CACHE_PROCESS_MAX_UPTIME` (metaflow-service v2.5.1
   * `services/ui_backend_service/data/cache/card_cache_manager.py`): measured with the default
   * cache workers, the process tree peaked at 2,255 MiB (PSS) while task pages loaded cards, so the
   * default leaves 36% above that; 2048 would be OOM-killed there.
   *
   * @default 3072, or the nearest size that fits the CPU when only the CPU is given (2048 for 256, 4096 for 2048)
   */
  readonly memoryLimitMiB?: number;

  /**
   * How long the load balancer keeps an idle connection open. The UI's live updates use a
   * websocket (`/ws`) on which the backend sends no heartbeat, so a tab left open reconnects every
   * time this runs out (ALB's own default is 60 s); 1 to 4000 seconds.
   *
   * @default Duration.hours(1)
   */
  readonly idleTimeout?: Duration;

  /**
   * Number of tasks.
   *
   * @default 1
   */
  readonly desiredCount?: number;

  /**
   * Cache workers and disk limits.
   *
   * @default - 4 artifact, 2 DAG and 2 log workers; 4, 1 and 2 GiB of disk
   */
  readonly cache?: MetaflowUiCacheOptions;

  /**
   * Connections per database pool (`MF_METADATA_DB_POOL_MAX`). The backend opens six pools, so a task
   * uses up to six times this many connections: keep the total within the database's limit.
   *
   * @default 4
   */
  readonly databasePoolMax?: number;

  /**
   * Extra environment variables of the UI container (for example `MF_DEFAULT_TIME_FILTER_DAYS`).
   * Database and datastore settings are set by the construct.
   *
   * @default - none
   */
  readonly environment?: { [key: string]: string };

  /**
   * Bucket that receives the load balancer's access logs.
   *
   * @default - no access logs
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * How long the UI's logs are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the Cognito user pool when it leaves the stack. The pool has deletion protection
   * only when this is `RETAIN` (so that `cdk destroy` completes otherwise); the load balancer holds no
   * data and has none.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}
