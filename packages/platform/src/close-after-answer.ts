import type { Socket } from 'node:net';

/** How long a closing connection stays half-open after the answer, so the client reads it before any reset. */
const RESET_AVOIDANCE_MS = 500;

/**
 * Makes the connection end with the answer under way, without reading what the client still sends. A socket
 * closed with unread input is reset by the kernel, and the reset can discard the answer on its way; so Node's
 * closing step (`destroySoon`, which the HTTP server calls after a `Connection: close` answer) sends the FIN
 * behind the answer and destroys the socket a moment later, as Go's net/http does.
 */
export const closeAfterAnswer = (socket: Socket): void => {
  socket.destroySoon = () => {
    socket.end(() => setTimeout(() => socket.destroy(), RESET_AVOIDANCE_MS).unref());
  };
};
