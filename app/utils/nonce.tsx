// The CSP nonce of the current response, for the scripts Remix renders. Only the server
// knows it; in the browser it is "" (browsers hide nonces from the DOM anyway).
import { createContext, useContext } from "react";

const NonceContext = createContext("");

export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
