/** The names generated for one interface, decided in one place. */
export interface GeneratedNames {
  /** `ICalculatorClient`, the class in `ICalculator.client.ts`. */
  readonly clientClass: string;
  /** `ICalculatorLease`, the client's view of one leased worker, beside it. */
  readonly leaseClass: string;
  /** `ICalculatorCalls`, the methods both share. */
  readonly callsClass: string;
  /** `ICalculatorService`, the descriptor exported by `ICalculator.codec.ts`. */
  readonly serviceConst: string;
  /** Base names (no extension) of the three files. */
  readonly clientFile: string;
  readonly workerFile: string;
  readonly codecFile: string;
}

export function generatedNames(interfaceName: string): GeneratedNames {
  return {
    clientClass: `${interfaceName}Client`,
    leaseClass: `${interfaceName}Lease`,
    callsClass: `${interfaceName}Calls`,
    serviceConst: `${interfaceName}Service`,
    clientFile: `${interfaceName}.client`,
    workerFile: `${interfaceName}.worker`,
    codecFile: `${interfaceName}.codec`,
  };
}
