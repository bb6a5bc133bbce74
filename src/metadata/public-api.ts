import { MetaflowApiOptions } from './api';

/**
 * Whether the metadata service gets a public front door (API Gateway with an API key), or stays
 * private: clients then use the internal URL over a VPN, Direct Connect or a peered VPC.
 */
export class PublicApi {
  /**
   * An API Gateway REST API in front of the metadata service.
   *
   * @param options API key, rotation, allowed CIDR ranges, throttling
   */
  public static enabled(options: MetaflowApiOptions = {}): PublicApi {
    return new PublicApi(true, options);
  }

  /**
   * No public endpoint: `METAFLOW_SERVICE_URL` is the internal load balancer's URL. Let your
   * networks in with `platform.metadata.allowClientsFrom(peer)`.
   */
  public static disabled(): PublicApi {
    return new PublicApi(false, {});
  }

  /** @internal */
  public readonly _isEnabled: boolean;
  /** @internal */
  public readonly _options: MetaflowApiOptions;

  private constructor(isEnabled: boolean, options: MetaflowApiOptions) {
    this._isEnabled = isEnabled; this._options = options;
  }
}
