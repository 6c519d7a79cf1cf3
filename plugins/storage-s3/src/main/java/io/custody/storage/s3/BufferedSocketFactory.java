package io.custody.storage.s3;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.apache.http.HttpHost;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.conn.socket.PlainConnectionSocketFactory;
import org.apache.http.protocol.HttpContext;

/**
 * Plain-HTTP sockets whose output is buffered in 64 KiB: Apache's client writes a request body
 * to the socket 4 KiB at a time ({@code InputStreamEntity}), a system call and a TCP segment
 * each, which on a gateway over loopback the client pays for at both ends of the connection. The
 * client flushes after every request, so nothing waits in the buffer.
 */
final class BufferedSocketFactory implements ConnectionSocketFactory {
  static final int BUFFER = 64 << 10;

  @Override
  public Socket createSocket(HttpContext context) {
    return new Socket() {
      private OutputStream out;

      @Override
      public synchronized OutputStream getOutputStream() throws IOException {
        if (out == null) {
          out = new BufferedOutputStream(super.getOutputStream(), BUFFER);
        }
        return out;
      }
    };
  }

  @Override
  public Socket connectSocket(int connectTimeout, Socket socket, HttpHost host, InetSocketAddress remoteAddress,
      InetSocketAddress localAddress, HttpContext context) throws IOException {
    return PlainConnectionSocketFactory.getSocketFactory().connectSocket(connectTimeout, socket, host, remoteAddress,
        localAddress, context);
  }
}
