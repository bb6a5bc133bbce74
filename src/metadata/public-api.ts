import { MetaflowApiOptions, MetaflowRestApiOptions } from './api-options';
import { validateApiOptions, validateHttpApiOptions } from './api-props-validation';
import type { MetaflowHttpApiOptions } from './http-api';
import { PropErrors } from '../private/prop-errors';

/** The kinds of public front door. */
type ApiKind = 'http' | 'rest' | 'none';

/**
 * Whether the metadata service gets a public front door (API Gateway with an API key), and which:
 * an HTTP API (the default, no load balancer), a REST API (WAF, usage plans, private endpoints; an
 * internal load balancer behind it), or none: clients then use a private URL over a VPN, Direct
 * Connect or a peered VPC.
 */
export class PublicApi {
  /**
   * An API Gateway HTTP API with a VPC link to the service's Cloud Map service, a Lambda authorizer
   * that checks the API key and allowed CIDR ranges, and a daily keep-alive: no load balancer.
   *
   * @param options API key, rotation, allowed CIDR ranges, throttling, authorizer cache, keep-alive
   */
  public static httpApi(options: MetaflowHttpApiOptions = {}): PublicApi {
    return new PublicApi('http', options);
  }

  /**
   * An API Gateway REST API with an API key and usage plan, through a VPC link to an internal Network
   * Load Balancer (about $16.40 a month more than the HTTP API while idle). For teams that need WAF,
   * usage plans or a private endpoint.
   *
   * @param options API key, rotation, allowed CIDR ranges, throttling, logging role
   */
  public static restApi(options: MetaflowRestApiOptions = {}): PublicApi {
    return new PublicApi('rest', options);
  }

  /**
   * The REST API, as before the HTTP API became the default.
   *
   * @deprecated use `restApi` (the same) or `httpApi` (the default, without a load balancer)
   */
  public static enabled(options: MetaflowRestApiOptions = {}): PublicApi {
    return PublicApi.restApi(options);
  }

  /**
   * No public endpoint: `METAFLOW_SERVICE_URL` is the internal load balancer's URL, which resolves
   * outside the VPC too. Let your networks in with `platform.metadata.allowClientsFrom(peer)`.
   */
  public static disabled(): PublicApi {
    return new PublicApi('none', {});
  }

  /** @internal */
  public readonly _kind: ApiKind;
  /** @internal */
  public readonly _options: MetaflowApiOptions;

  private constructor(kind: ApiKind, options: MetaflowApiOptions) {
    this._kind = kind; this._options = options;
  }

  /** @internal Whether the metadata service needs its internal load balancer: for the REST API's VPC link, or as a private platform's client URL. */
  public get _needsLoadBalancer(): boolean {
    return this._kind !== 'http';
  }

  /** @internal Records every problem of the chosen API's options. */
  public _validate(errors: PropErrors): void {
    if (this._kind === 'http') {
      validateHttpApiOptions(this._options, errors);
    } else {
      validateApiOptions(this._options, errors);
    }
  }
}
