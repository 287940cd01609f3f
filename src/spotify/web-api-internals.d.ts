/**
 * The two spotify-web-api-node modules its own methods are built from, typed for the one endpoint
 * the library predates (`GET /playlists/{id}/items`).
 */
declare module "spotify-web-api-node/src/webapi-request.js" {
  interface BuiltRequest {
    execute<T>(method: unknown): Promise<{ body: T; statusCode: number }>;
  }
  interface RequestBuilder {
    withPath(path: string): RequestBuilder;
    withQueryParameters(query: Record<string, string | number | undefined>): RequestBuilder;
    build(): BuiltRequest;
  }
  const webApiRequest: { builder(accessToken: string | undefined): RequestBuilder };
  export default webApiRequest;
}

declare module "spotify-web-api-node/src/http-manager.js" {
  const HttpManager: { get: unknown };
  export default HttpManager;
}
