# One image for the five services and the two sinks; the command picks which one runs.
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
COPY contracts contracts
COPY libs libs
COPY infra infra
COPY services services
RUN uv sync --frozen --no-dev
ENV PATH="/app/.venv/bin:$PATH" HOTLINE_HTTP_HOST=0.0.0.0
EXPOSE 8000
CMD ["python", "-m", "intake"]
